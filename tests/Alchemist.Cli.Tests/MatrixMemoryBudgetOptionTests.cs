using System.Text.Json.Nodes;
using Alchemist.Cli.Commands;

namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist run --matrix-memory-budget SIZE</c>: a streamed run's label matrix spilled to a mapped temporary file past the budget, with the same labels.</summary>
public sealed class MatrixMemoryBudgetOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-matrix-budget-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("12XB")]
    [InlineData("MB")]
    [InlineData("1e3")]
    [InlineData("99999999999TB")]
    public void Run_BadBudget_ExitsTwoSayingWhatToGiveBeforeAnyWork(string value)
    {
        (int code, _, string error) = CliRunner.Run("run", "--out", Path.Combine(_dir, "bad"), "--matrix-memory-budget", value);

        Assert.Equal(2, code);
        Assert.Equal(
            $"error: --matrix-memory-budget is '{value}'; give a number of bytes (0 or more) or a size such as 64MB or 1GiB (KB, MB, GB, TB: powers of 1000; KiB, MiB, GiB, TiB: powers of 1024).{Environment.NewLine}",
            error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1_048_576L)]
    [InlineData("64MB", 64_000_000L)]
    [InlineData("64 mb", 64_000_000L)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1.5KiB", 1_536L)]
    [InlineData("2kb", 2_000L)]
    [InlineData("10B", 10L)]
    public void ParseSize_SizeWithOrWithoutUnit_GivesItsBytes(string text, long bytes) =>
        Assert.Equal(bytes, RunCommand.ParseSize(text));

    [Fact]
    public void Run_BudgetBelowTheMatrix_SpillsItAndWritesTheSameLabelsAsWithout()
    {
        string data = CliRunner.SmallYouTube(_dir);

        (string held, JsonNode heldRun) = Run(data, "held");
        (string spilled, JsonNode spilledRun) = Run(data, "spilled", "--matrix-memory-budget", "1KB");

        Assert.Equal(held, spilled);
        Assert.False(heldRun["matrix"]!["spilled"]!.GetValue<bool>());
        Assert.Null(heldRun["matrix"]!["spillFileBytes"]);
        Assert.True(spilledRun["matrix"]!["spilled"]!.GetValue<bool>());
        int items = spilledRun["matrix"]!["items"]!.GetValue<int>();
        int functions = spilledRun["matrix"]!["functions"]!.GetValue<int>();
        Assert.Equal(300, items);
        Assert.Equal(items * (functions + 1L), spilledRun["matrix"]!["spillFileBytes"]!.GetValue<long>());
    }

    private (string Labels, JsonNode Run) Run(string data, string name, params string[] extra)
    {
        string output = Path.Combine(_dir, name);
        (int code, _, string error) = CliRunner.Run(["run", "--data", data, "--out", output, "--in-process", .. extra]);
        Assert.True(code == 0, error);
        return (File.ReadAllText(Path.Combine(output, "labels.jsonl")), JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!);
    }
}
