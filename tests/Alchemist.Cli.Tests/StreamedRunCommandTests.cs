using System.Text.Json;

namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist run --data DIR</c> streams the train split (read as it goes, labels written as they are made): the same outputs as the run that holds it.</summary>
public sealed class StreamedRunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-stream-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_DataFolder_WritesTheLabelsAndScoresOfTheHeldRun()
    {
        // The embedded YouTube dataset is held in memory; the same files given with --data are streamed.
        string held = Path.Combine(_dir, "held");
        string streamed = Path.Combine(_dir, "streamed");
        (int heldCode, _, string heldError) = CliRunner.RunAsGiven("run", "--out", held, "--json");
        Assert.True(heldCode == 0, heldError);
        (int code, _, string error) = CliRunner.RunAsGiven("run", "--data", Alchemist.Tests.Shared.TestData.DatasetPath("youtube"), "--out", streamed, "--json");
        Assert.True(code == 0, error);

        Assert.Equal(File.ReadAllBytes(Path.Combine(held, "labels.jsonl")), File.ReadAllBytes(Path.Combine(streamed, "labels.jsonl")));
        Assert.False(File.Exists(Path.Combine(streamed, "labels.jsonl.partial")));
        using JsonDocument heldJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(held, "run.json")));
        using JsonDocument streamedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(streamed, "run.json")));
        foreach (string key in new[] { "programs", "labelModel", "labelModelTest", "endModelTest", "seedOnlyTest", "coverage", "cost", "endModelChoice" })
        {
            Assert.Equal(heldJson.RootElement.GetProperty(key).GetRawText(), streamedJson.RootElement.GetProperty(key).GetRawText());
        }

        string report = File.ReadAllText(Path.Combine(streamed, "report.md"));
        Assert.Matches(@"Items labeled\W+1,686", report);
    }

    [Fact]
    public void Run_DataFolderWithMiniLm_StreamsAndWritesTheLabelsOfTheHeldRun()
    {
        // The embedded YouTube dataset is held; --data streams it, concept scores and end-model embeddings computed as
        // it is read. The second run reads the first's embeddings from the shared cache: the same vectors, exactly.
        // The final check is off here (five more runs each); the test below compares the held and streamed checks.
        string cache = Path.Combine(_dir, "cache");
        string held = Path.Combine(_dir, "held-minilm");
        string streamed = Path.Combine(_dir, "streamed-minilm");
        (int heldCode, _, string heldError) = CliRunner.Run("run", "--embeddings", "minilm", "--embedding-cache", cache, "--end-model-choice", "off", "--out", held, "--json");
        Assert.True(heldCode == 0, heldError);
        (int code, _, string error) = CliRunner.Run(
            "run", "--data", Alchemist.Tests.Shared.TestData.DatasetPath("youtube"), "--embeddings", "minilm", "--embedding-cache", cache, "--end-model-choice", "off", "--out", streamed, "--json");
        Assert.True(code == 0, error);

        Assert.Equal(File.ReadAllBytes(Path.Combine(held, "labels.jsonl")), File.ReadAllBytes(Path.Combine(streamed, "labels.jsonl")));
        using JsonDocument heldJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(held, "run.json")));
        using JsonDocument streamedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(streamed, "run.json")));
        foreach (string key in new[] { "programs", "labelModel", "labelModelTest", "endModelTest", "seedOnlyTest", "coverage", "embeddings" })
        {
            Assert.Equal(heldJson.RootElement.GetProperty(key).GetRawText(), streamedJson.RootElement.GetProperty(key).GetRawText());
        }

        JsonElement concepts = streamedJson.RootElement.GetProperty("concepts");
        Assert.True(concepts.GetProperty("fromCache").GetInt32() > 0, concepts.GetRawText());
        Assert.Equal("all-MiniLM-L6-v2", concepts.GetProperty("model").GetString());
    }

    [Fact]
    public void Run_EmbeddingCacheWithoutEmbeddings_IsRefusedBeforeAnyWork()
    {
        string output = Path.Combine(_dir, "refused");

        (int code, _, string error) = CliRunner.Run("run", "--data", Alchemist.Tests.Shared.TestData.DatasetPath("youtube"), "--embedding-cache", Path.Combine(_dir, "cache"), "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("--embedding-cache caches the embeddings of --embeddings", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
