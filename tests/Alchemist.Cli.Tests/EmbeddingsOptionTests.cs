using System.Globalization;
using System.Text.Json.Nodes;
using Alchemist.Cli.Tests.Llm;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests;

/// <summary><c>--embeddings</c> on <c>run</c> and <c>label</c>: the local MiniLM model, and OpenAI and Ollama servers on loopback.</summary>
public sealed class EmbeddingsOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-embeddings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_WithMiniLm_TrainsTheEndModelOnItsVectors_AndLabelNeedsThemToo()
    {
        string input = WriteYouTubeCsv("small.csv", rows: 240, labeled: 80);
        string output = Path.Combine(_dir, "minilm");

        string cache = Path.Combine(_dir, "cache");
        string[] arguments =
            ["run", "--input", input, "--classes", "HAM,SPAM", "--task", "Is a YouTube comment spam?", "--embeddings", "minilm", "--embedding-cache", cache, "--in-process"];

        (int code, string stdout, string error) = CliRunner.Run([.. arguments, "--out", output]);

        Assert.True(code == 0, error);
        Assert.Contains("end-model.bin", stdout, StringComparison.Ordinal);
        JsonNode run = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!;
        Assert.Equal("minilm", run["embeddings"]!.GetValue<string>());

        // The items were embedded for concept scores, in a stage of their own, and written to the cache...
        JsonNode concepts = run["concepts"]!;
        int embedded = concepts["embedded"]!.GetValue<int>();
        Assert.True(embedded >= 240, $"embedded {embedded}");
        Assert.Equal(0, concepts["fromCache"]!.GetValue<int>());
        Assert.True(run["stageSeconds"]!["embed"]!.GetValue<double>() > 0);
        Assert.NotEmpty(Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories));

        // ...so a second run reads every item's embedding from the cache and gives the same labels.
        string again = Path.Combine(_dir, "minilm-again");
        (code, _, error) = CliRunner.Run([.. arguments, "--out", again]);
        Assert.True(code == 0, error);
        JsonNode second = JsonNode.Parse(File.ReadAllText(Path.Combine(again, "run.json")))!["concepts"]!;
        Assert.True(second["fromCache"]!.GetValue<int>() >= embedded - concepts["phrases"]!.AsArray().Count, second.ToJsonString());
        Assert.Equal(File.ReadAllText(Path.Combine(output, "labels.jsonl")), File.ReadAllText(Path.Combine(again, "labels.jsonl")));

        // The saved model holds the vectors' dimension: labeling without the embeddings is refused in the tool's words.
        string model = Path.Combine(output, "end-model.bin");
        string items = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(items, ["id,text", "a,Check out my channel for free gift cards!", "b,This song is beautiful"]);
        (code, _, error) = CliRunner.Run("label", "--model", model, "--input", items);
        Assert.Equal(2, code);
        Assert.Contains("--embeddings", error, StringComparison.Ordinal);

        (code, stdout, error) = CliRunner.Run("label", "--model", model, "--input", items, "--embeddings", "minilm");
        Assert.True(code == 0, error);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(1, JsonNode.Parse(lines[0])!["label"]!.GetValue<int>());
        Assert.Equal(0, JsonNode.Parse(lines[1])!["label"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("openai:")]
    [InlineData("cohere:embed-v3")]
    public void UnknownEmbeddings_AreRefusedBeforeAnyWork(string spec)
    {
        string output = Path.Combine(_dir, "refused");

        (int code, _, string error) = CliRunner.Run("run", "--embeddings", spec, "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("--embeddings", error.Replace("embeddings '", "--embeddings '", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("minilm", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("openai", "/v1/embeddings")]
    [InlineData("ollama", "/api/embed")]
    public async Task Run_WithAProvidersEmbeddings_CallsItsEmbeddingApi_AndLabelsWithTheSameOnes(string provider, string path)
    {
        await using var server = FakeLlmServer.Start(provider == "openai" ? FakeApi.OpenAI : FakeApi.Ollama, FakeStep.Embeddings(Vector));
        Dictionary<string, string?> environment = server.Environment();
        var context = new CliContext(name => environment.GetValueOrDefault(name), TimeProvider.System);
        string input = WriteYouTubeCsv("small.csv", rows: 200, labeled: 80);
        string output = Path.Combine(_dir, provider);

        (int code, string stdout, string error) = CliRunner.Run(context, "run", "--input", input, "--classes", "HAM,SPAM", "--embeddings", provider + ":embed-model", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, r => Assert.Equal(path, r.Target));
        Assert.All(server.Requests, r => Assert.Equal("embed-model", JsonNode.Parse(r.Body)!["model"]!.GetValue<string>()));
        JsonNode run = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!;
        Assert.Equal(provider + ":embed-model", run["embeddings"]!.GetValue<string>());

        // Each distinct text is embedded once per command, however many end models the run trains.
        string[] texts = [.. server.Requests.SelectMany(r => JsonNode.Parse(r.Body)!["input"]!.AsArray().Select(t => t!.GetValue<string>()))];
        Assert.Equal(texts.Length, texts.Distinct(StringComparer.Ordinal).Count());

        int before = server.Requests.Count;
        string items = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(items, ["id,text", "a,subscribe to my channel", "b,nice song"]);
        (code, stdout, error) = CliRunner.Run(context, "label", "--model", Path.Combine(output, "end-model.bin"), "--input", items, "--embeddings", provider + ":embed-model");
        Assert.True(code == 0, error);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(server.Requests.Count > before);
    }

    private string WriteYouTubeCsv(string name, int rows, int labeled)
    {
        WrenchDataset youtube = TestData.Load("youtube");
        string[] classNames = ["HAM", "SPAM"];
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, [
            "id,text,label",
            .. Enumerable.Range(0, rows).Select(i => string.Create(CultureInfo.InvariantCulture, $"yt-{youtube.Train.Ids[i]},\"{youtube.Train.Texts[i]!.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{(i < labeled ? classNames[youtube.Train.GoldLabels[i]] : "")}")),
        ]);
        return path;
    }

    /// <summary>Four values from a text's words, unit length: what the fake servers answer for each text.</summary>
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
