using System.Text.Json;
using Alchemist.Cli.Commands;
using Alchemist.Cli.Llm;
using Alchemist.Cli.Tests;

namespace Alchemist.Orleans.Tests;

/// <summary><c>alchemist run --data DIR --cluster local:N</c> streams the train split to the silos: the outputs of the plain streamed run.</summary>
public sealed class ClusterRunCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("alchemist-cluster-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Run_DataFolderOnThreeLocalSilos_WritesTheLabelsAndScoresOfThePlainRun()
    {
        string data = Alchemist.Tests.Shared.TestData.DatasetPath("youtube");
        string plain = Path.Combine(_root, "plain");
        string cluster = Path.Combine(_root, "cluster");

        (int plainCode, _, string plainError) = CliRunner.Run("run", "--data", data, "--in-process", "--out", plain);
        (int clusterCode, _, string clusterError) = CliRunner.Run("run", "--data", data, "--in-process", "--cluster", "local:3", "--out", cluster);

        Assert.True(plainCode == 0, plainError);
        Assert.True(clusterCode == 0, clusterError);
        Assert.Contains("Starting 3 Orleans silos on loopback", clusterError, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(plain, "labels.jsonl")), File.ReadAllBytes(Path.Combine(cluster, "labels.jsonl")));
        Assert.False(File.Exists(Path.Combine(cluster, "labels.jsonl.partial")));
        using JsonDocument plainJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(plain, "run.json")));
        using JsonDocument clusterJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster, "run.json")));
        foreach (string key in new[] { "programs", "labelModel", "labelModelTest", "endModelTest", "coverage", "cost" })
        {
            Assert.Equal(plainJson.RootElement.GetProperty(key).GetRawText(), clusterJson.RootElement.GetProperty(key).GetRawText());
        }
    }

    [Fact]
    public void Run_KeepingVotesOnThreeLocalSilos_WritesTheLabelsAndScoresOfThePlainRun()
    {
        string data = Alchemist.Tests.Shared.TestData.DatasetPath("youtube");
        string plain = Path.Combine(_root, "plain");
        string kept = Path.Combine(_root, "kept");

        (int plainCode, _, string plainError) = CliRunner.Run("run", "--data", data, "--in-process", "--out", plain);
        (int keptCode, _, string keptError) = CliRunner.Run("run", "--data", data, "--in-process", "--cluster", "local:3", "--keep-votes-on-silos", "--out", kept);

        Assert.True(plainCode == 0, plainError);
        Assert.True(keptCode == 0, keptError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(plain, "labels.jsonl")), File.ReadAllBytes(Path.Combine(kept, "labels.jsonl")));
        using JsonDocument plainJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(plain, "run.json")));
        using JsonDocument keptJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(kept, "run.json")));
        foreach (string key in new[] { "programs", "labelModel", "labelModelTest", "endModelTest", "coverage", "cost" })
        {
            Assert.Equal(plainJson.RootElement.GetProperty(key).GetRawText(), keptJson.RootElement.GetProperty(key).GetRawText());
        }

        JsonElement matrix = keptJson.RootElement.GetProperty("matrix");
        Assert.Equal(plainJson.RootElement.GetProperty("matrix").GetProperty("items").GetInt32(), matrix.GetProperty("items").GetInt32());
        Assert.True(matrix.GetProperty("votesOnSilos").GetProperty("distinctRows").GetInt32() > 0);
    }

    [Theory]
    [InlineData("--keep-votes-on-silos keeps the votes on a cluster's silos; add --cluster local:N or --cluster HOST:PORT, or leave it out.")]
    [InlineData("--keep-votes-on-silos cannot keep the votes of concept programs: with --embeddings they read the concept scores this process computes, so their votes are made here; leave out one of them.", "--cluster", "local:3", "--embeddings", "minilm")]
    [InlineData("--keep-votes-on-silos cannot keep the votes of concept programs: with --embeddings they read the concept scores this process computes, so their votes are made here; leave out one of them.", "--cluster", "local:3", "--embeddings", "minilm", "--end-model-features", "hashed")]
    public void Run_KeepVotesOnSilosWithoutAStreamedClusterRun_IsRefusedBeforeAnyWork(string message, params string[] more)
    {
        string output = Path.Combine(_root, "refused");

        (int code, _, string error) = CliRunner.Run(["run", "--data", Alchemist.Tests.Shared.TestData.DatasetPath("youtube"), "--keep-votes-on-silos", "--out", output, .. more]);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_PredictingOnTheCoordinatorOnThreeLocalSilos_WritesTheLabelsOfThePlainRun()
    {
        string data = Alchemist.Tests.Shared.TestData.DatasetPath("youtube");
        string plain = Path.Combine(_root, "plain");
        string here = Path.Combine(_root, "here");

        (int plainCode, _, string plainError) = CliRunner.Run("run", "--data", data, "--in-process", "--out", plain);
        (int hereCode, _, string hereError) = CliRunner.Run("run", "--data", data, "--in-process", "--cluster", "local:3", "--predict-on-coordinator", "--out", here);

        Assert.True(plainCode == 0, plainError);
        Assert.True(hereCode == 0, hereError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(plain, "labels.jsonl")), File.ReadAllBytes(Path.Combine(here, "labels.jsonl")));
    }

    [Fact]
    public void Run_PredictOnCoordinatorWithoutACluster_IsRefusedBeforeAnyWork()
    {
        string output = Path.Combine(_root, "refused");

        (int code, _, string error) = CliRunner.Run("run", "--data", Alchemist.Tests.Shared.TestData.DatasetPath("youtube"), "--predict-on-coordinator", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains("--predict-on-coordinator keeps a cluster run's predictions in this process; add --cluster local:N or --cluster HOST:PORT, or leave it out.", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_DataFolderWithMiniLmOnThreeLocalSilos_KeepsConceptProgramsHereAndWritesThePlainRunsLabels()
    {
        // The silos get the plain programs; the offline synthesizer's concept programs read the coordinator's scores,
        // computed as it reads the items. The two runs share an embedding cache, so MiniLM runs once.
        string data = Alchemist.Tests.Shared.TestData.DatasetPath("youtube");
        string cache = Path.Combine(_root, "cache");
        string plain = Path.Combine(_root, "plain-minilm");
        string cluster = Path.Combine(_root, "cluster-minilm");

        (int plainCode, _, string plainError) = CliRunner.Run("run", "--data", data, "--in-process", "--embeddings", "minilm", "--embedding-cache", cache, "--out", plain);
        (int clusterCode, _, string clusterError) = CliRunner.Run(
            "run", "--data", data, "--in-process", "--embeddings", "minilm", "--embedding-cache", cache, "--cluster", "local:3", "--out", cluster);

        Assert.True(plainCode == 0, plainError);
        Assert.True(clusterCode == 0, clusterError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(plain, "labels.jsonl")), File.ReadAllBytes(Path.Combine(cluster, "labels.jsonl")));
        using JsonDocument plainJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(plain, "run.json")));
        using JsonDocument clusterJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster, "run.json")));
        foreach (string key in new[] { "programs", "labelModel", "labelModelTest", "endModelTest", "coverage" })
        {
            Assert.Equal(plainJson.RootElement.GetProperty(key).GetRawText(), clusterJson.RootElement.GetProperty(key).GetRawText());
        }

        Assert.Contains(Directory.EnumerateFiles(Path.Combine(cluster, "programs"), "*.cs"), f => File.ReadAllText(f).Contains("Concepts concepts", StringComparison.Ordinal));

        // With --end-model-features hashed the concept programs still stay here, and the end model has no embedding
        // features (so ShippedEndModel.TryShip may send it to the silos): the labels of the plain run with that option.
        // (Both runs read every embedding from the cache the runs above filled.)
        string plainHashed = Path.Combine(_root, "plain-hashed");
        string clusterHashed = Path.Combine(_root, "cluster-hashed");
        (plainCode, _, plainError) = CliRunner.Run("run", "--data", data, "--in-process", "--embeddings", "minilm", "--end-model-features", "hashed", "--embedding-cache", cache, "--out", plainHashed);
        (clusterCode, _, clusterError) = CliRunner.Run(
            "run", "--data", data, "--in-process", "--embeddings", "minilm", "--end-model-features", "hashed", "--embedding-cache", cache, "--cluster", "local:3", "--out", clusterHashed);

        Assert.True(plainCode == 0, plainError);
        Assert.True(clusterCode == 0, clusterError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(plainHashed, "labels.jsonl")), File.ReadAllBytes(Path.Combine(clusterHashed, "labels.jsonl")));
        using JsonDocument plainHashedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(plainHashed, "run.json")));
        using JsonDocument clusterHashedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(clusterHashed, "run.json")));
        foreach (string key in new[] { "programs", "labelModel", "labelModelTest", "endModelTest", "coverage", "endModelFeatures" })
        {
            Assert.Equal(plainHashedJson.RootElement.GetProperty(key).GetRawText(), clusterHashedJson.RootElement.GetProperty(key).GetRawText());
        }

        Assert.Equal("hashed", clusterHashedJson.RootElement.GetProperty("endModelFeatures").GetString());
        Assert.Equal("hashed+embeddings", clusterJson.RootElement.GetProperty("endModelFeatures").GetString());
    }

    [Theory]
    [InlineData(null, "none", true)]
    [InlineData("local:3", "none", true)]
    [InlineData("127.0.0.1:30000", "none", true)]
    [InlineData(null, "minilm", true)]
    [InlineData("local:3", "minilm", true)]
    public void StreamsItems_DataFolder_StreamsWithOrWithoutAClusterAndWithOrWithoutEmbeddings(string? cluster, string embeddings, bool streams)
    {
        var settings = new RunCommand.Settings("data", "none", 10, null, "auto", "accuracy", null, null, "none", "out", 0, false, new LlmSettings(0, 60))
        {
            Cluster = cluster,
            Embeddings = embeddings,
        };

        Assert.Equal(streams, settings.StreamsItems);
    }
}
