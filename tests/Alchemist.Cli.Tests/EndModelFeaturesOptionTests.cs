using System.Globalization;
using System.Text.Json.Nodes;
using Alchemist.Cli.Tests.Llm;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests;

/// <summary>
/// <c>alchemist run --end-model-features hashed|hashed+embeddings</c>: whether the <c>--embeddings</c> vectors, which
/// always feed the concept scores, are also the end model's features. The embeddings come from a fake OpenAI server on
/// loopback that answers each text with a deterministic vector.
/// </summary>
public sealed class EndModelFeaturesOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-end-features-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("bogus")]
    [InlineData("embeddings")]
    [InlineData("hashed+minilm")]
    public void Run_UnknownFeatures_ExitsTwoSayingWhatToGive(string value)
    {
        string output = Path.Combine(_dir, "bad");

        (int code, _, string error) = CliRunner.Run("run", "--embeddings", "minilm", "--end-model-features", value, "--out", output);

        Assert.Equal(2, code);
        Assert.Equal($"error: --end-model-features is '{value}'; use hashed (the end model's hashed n-grams only) or hashed+embeddings (the n-grams and the vectors of --embeddings).{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData]
    [InlineData("--embeddings", "none")]
    [InlineData("--embeddings", " None ")]
    public void Run_EmbeddingFeaturesWithoutEmbeddings_IsRefusedNamingBothOptions(params string[] embeddings)
    {
        string output = Path.Combine(_dir, "refused");

        (int code, _, string error) = CliRunner.Run(["run", "--end-model-features", "hashed+embeddings", "--out", output, .. embeddings]);

        Assert.Equal(2, code);
        Assert.Equal($"error: --end-model-features hashed+embeddings gives the end model the vectors of --embeddings, and the run has none; add --embeddings minilm (or another model), or use --end-model-features hashed.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData]
    [InlineData("--end-model-features", "hashed")]
    [InlineData("--end-model-features", "HASHED")]
    public void Run_WithoutEmbeddings_TheEndModelHasHashedFeatures_AsBefore(params string[] features)
    {
        string output = Path.Combine(_dir, "plain");

        (int code, string stdout, string error) = CliRunner.Run(["run", "--data", CliRunner.SmallYouTube(_dir), "--in-process", "--out", output, .. features]);

        Assert.True(code == 0, error);
        Assert.Contains("End model    features: hashed n-grams" + Environment.NewLine, stdout, StringComparison.Ordinal);
        JsonNode run = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!;
        Assert.Equal("none", run["embeddings"]!.GetValue<string>());
        Assert.Equal("hashed", run["endModelFeatures"]!.GetValue<string>());
        Assert.Equal(0, SavedEmbeddingDimension(output));
    }

    [Fact]
    public async Task Run_WithEmbeddingsByDefault_TheEndModelReadsThemToo_AndLabelNeedsThem()
    {
        await using var server = FakeLlmServer.Start(FakeApi.OpenAI, FakeStep.Embeddings(Vector));
        CliContext context = Context(server);
        string output = Path.Combine(_dir, "default");

        (int code, string stdout, string error) = CliRunner.Run(context, "run", "--input", WriteYouTubeCsv(), "--classes", "HAM,SPAM", "--embeddings", "openai:embed-model", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Contains("End model    features: hashed n-grams + openai:embed-model embeddings", stdout, StringComparison.Ordinal);
        JsonNode run = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!;
        Assert.Equal("hashed+embeddings", run["endModelFeatures"]!.GetValue<string>());
        Assert.True(run["concepts"]!["embedded"]!.GetValue<int>() >= 200);
        Assert.Equal(Vector("x").Length, SavedEmbeddingDimension(output));

        (code, _, error) = CliRunner.Run(context, "label", "--model", Path.Combine(output, "end-model.bin"), "--input", WriteItems());
        Assert.Equal(2, code);
        Assert.Contains("was trained with text embeddings as features; give the run's --embeddings", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_HashedWithEmbeddings_ScoresConceptsButSavesAModelThatLabelsWithoutThem()
    {
        await using var server = FakeLlmServer.Start(FakeApi.OpenAI, FakeStep.Embeddings(Vector));
        CliContext context = Context(server);
        string output = Path.Combine(_dir, "hashed");

        (int code, string stdout, string error) = CliRunner.Run(
            context, "run", "--input", WriteYouTubeCsv(), "--classes", "HAM,SPAM", "--embeddings", "openai:embed-model", "--end-model-features", "hashed", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Contains("End model    features: hashed n-grams" + Environment.NewLine, stdout, StringComparison.Ordinal);
        JsonNode run = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!;
        Assert.Equal("openai:embed-model", run["embeddings"]!.GetValue<string>());
        Assert.Equal("hashed", run["endModelFeatures"]!.GetValue<string>());

        // The embeddings still fed the concept scores (every item and the phrases went to the server)...
        Assert.True(run["concepts"]!["embedded"]!.GetValue<int>() >= 200);
        Assert.NotEmpty(server.Requests);

        // ...but the saved model holds no embedding feature: it loads without a generator, and 'label' needs no
        // --embeddings and calls no embedding API.
        Assert.Equal(0, SavedEmbeddingDimension(output));
        int before = server.Requests.Count;
        (code, stdout, error) = CliRunner.Run(context, "label", "--model", Path.Combine(output, "end-model.bin"), "--input", WriteItems());
        Assert.True(code == 0, error);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(before, server.Requests.Count);

        // Given the run's --embeddings anyway, the same labels, still without a call: the model has no use for them.
        (code, string withEmbeddings, error) = CliRunner.Run(context, "label", "--model", Path.Combine(output, "end-model.bin"), "--input", WriteItems(), "--embeddings", "openai:embed-model");
        Assert.True(code == 0, error);
        Assert.Equal(stdout, withEmbeddings);
        Assert.Equal(before, server.Requests.Count);
    }

    private static CliContext Context(FakeLlmServer server)
    {
        Dictionary<string, string?> environment = server.Environment();
        return new CliContext(name => environment.GetValueOrDefault(name), TimeProvider.System);
    }

    /// <summary>The dimension of the embedding features the saved end model of a run folder was trained with; 0 for none.</summary>
    private static int SavedEmbeddingDimension(string runFolder) =>
        LogisticRegressionModelFile.Read(File.ReadAllBytes(Path.Combine(runFolder, "end-model.bin")), new LogisticRegressionEndModelOptions()).Space.EmbeddingDimension;

    private string WriteItems()
    {
        string items = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(items, ["id,text", "a,subscribe to my channel", "b,nice song"]);
        return items;
    }

    /// <summary>The first 200 YouTube train items, 80 of them labeled, as a CSV file.</summary>
    private string WriteYouTubeCsv()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        string[] classNames = ["HAM", "SPAM"];
        string path = Path.Combine(_dir, "small.csv");
        File.WriteAllLines(path, [
            "id,text,label",
            .. Enumerable.Range(0, 200).Select(i => string.Create(CultureInfo.InvariantCulture, $"yt-{youtube.Train.Ids[i]},\"{youtube.Train.Texts[i]!.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{(i < 80 ? classNames[youtube.Train.GoldLabels[i]] : "")}")),
        ]);
        return path;
    }

    /// <summary>Four values from a text's words, unit length: what the fake server answers for each text.</summary>
    private static float[] Vector(string text)
    {
        string lower = text.ToLowerInvariant();
        float[] v =
        [
            lower.Contains("subscribe", StringComparison.Ordinal) || lower.Contains("channel", StringComparison.Ordinal) ? 1 : 0,
            lower.Contains("check", StringComparison.Ordinal) || lower.Contains("http", StringComparison.Ordinal) ? 1 : 0,
            lower.Contains("song", StringComparison.Ordinal) || lower.Contains("love", StringComparison.Ordinal) ? 1 : 0,
            1,
        ];
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }
}
