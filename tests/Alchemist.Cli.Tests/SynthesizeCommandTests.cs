using System.Text.Json;

namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist synthesize</c> end to end on the embedded YouTube data, with a recorded transcript replayed offline.</summary>
public sealed class SynthesizeCommandTests : IDisposable
{
    private const string CheckOut = "using System;\n\npublic static class CheckOut\n{\n    public static int Label(string item) => item.Contains(\"check out\", StringComparison.OrdinalIgnoreCase) ? 1 : -1;\n}";
    private const string Broken = "public static class Links\n{\n    public static int Label(string item) => LinkPattern.IsMatch(item) ? 1 : -1;\n}";
    private const string Repaired = "using System.Text.RegularExpressions;\n\npublic static class Links\n{\n    private static readonly Regex LinkPattern = new(@\"https?://|www\\.\", RegexOptions.IgnoreCase);\n\n    public static int Label(string item) => LinkPattern.IsMatch(item) ? 1 : -1;\n}";
    private const string Hostile = "using System.IO;\n\npublic static class Sneaky\n{\n    public static int Label(string item) => File.Exists(\"/etc/passwd\") ? 1 : -1;\n}";
    private const string Constant = "public static class AlwaysSpam\n{\n    public static int Label(string item) => 1;\n}";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "alchemist-cli-synth-" + Guid.NewGuid().ToString("N"));

    public SynthesizeCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Synthesize_Replay_WritesTheLibraryAndReportsKeptDroppedAndCost()
    {
        string transcript = WriteTranscript(
            (Fenced(CheckOut), 1_000, 200),
            ("I'd rather not.", 500, 20),
            ("Still not.", 100, 5),
            (Fenced(Broken), 900, 150),
            (Fenced(Repaired), 1_100, 180),
            (Fenced(Hostile), 950, 160),
            (Fenced(Hostile), 950, 160),
            (Fenced(Constant), 1_000, 100));
        string prices = Path.Combine(_root, "prices.json");
        File.WriteAllText(prices, """{"replayed-model": {"inputUsdPerMillionTokens": 2.5, "outputUsdPerMillionTokens": 10}}""");
        string output = Path.Combine(_root, "library");

        JsonElement json = CliRunner.RunJson(
            "synthesize", "--llm", "replay:" + transcript, "--count", "5", "--repairs", "1", "--concurrency", "1", "--out", output, "--prices", prices, "--json");

        Assert.Equal("youtube", json.GetProperty("dataset").GetString());
        Assert.Equal(1686, json.GetProperty("sampleItems").GetInt32());
        Assert.Equal(120, json.GetProperty("devItems").GetInt32());
        Assert.Equal(["llm-000", "llm-002-r1"], json.GetProperty("kept").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        JsonElement repaired = json.GetProperty("kept")[1];
        Assert.Equal(1, repaired.GetProperty("repairAttempt").GetInt32());
        Assert.Equal(0.00455m, repaired.GetProperty("costUsd").GetDecimal());
        Assert.Equal("llm-002-r1.cs", repaired.GetProperty("file").GetString());

        Assert.Equal(
            [
                ("llm-001-r1", "synthesis", "RejectedReply"),
                ("llm-003-r1", "synthesis", "FailedValidation"),
                ("llm-004", "gate", "Constant"),
            ],
            json.GetProperty("dropped").EnumerateArray().Select(d => (d.GetProperty("name").GetString(), d.GetProperty("stage").GetString(), d.GetProperty("reason").GetString())));
        JsonElement hostile = json.GetProperty("dropped")[1];
        Assert.Contains("[io]", hostile.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(8, json.GetProperty("attempts").GetArrayLength());

        // 6,500 input and 975 output tokens at $2.50 and $10 per million.
        JsonElement cost = json.GetProperty("cost");
        Assert.Equal((8, 6_500L, 975L), (cost.GetProperty("calls").GetInt32(), cost.GetProperty("inputTokens").GetInt64(), cost.GetProperty("outputTokens").GetInt64()));
        Assert.Equal((0, 0, 0), (cost.GetProperty("failedCalls").GetInt32(), cost.GetProperty("retries").GetInt32(), cost.GetProperty("timeouts").GetInt32()));
        Assert.Equal(0.026m, cost.GetProperty("costUsd").GetDecimal());
        Assert.True(cost.GetProperty("complete").GetBoolean());

        // The library, the transcript of this run and the report are on disk.
        Assert.Equal(
            ["library.json", "llm-000.cs", "llm-000.json", "llm-002-r1.cs", "llm-002-r1.json", "synthesis-report.json", "transcript.jsonl"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        ProgramLibrary library = ProgramLibrary.Load(output);
        Assert.Equal(["llm-000", "llm-002-r1"], library.Programs.Select(p => p.Name));
        Assert.Equal(CheckOut + "\n", library.Programs[0].Source);
        Assert.Equal("replayed-model", library.Programs[0].Provenance.ModelId);
        Assert.Equal(8, File.ReadAllLines(Path.Combine(output, "transcript.jsonl")).Length);
    }

    [Fact]
    public void Synthesize_ReplayOfARecordedRun_ReproducesItEvenConcurrently()
    {
        string transcript = WriteTranscript((Fenced(CheckOut), 10, 2), (Fenced(Broken), 10, 2), (Fenced(Repaired), 10, 2), (Fenced(Constant), 10, 2));
        string first = Path.Combine(_root, "first");
        JsonElement original = CliRunner.RunJson("synthesize", "--llm", "replay:" + transcript, "--count", "3", "--concurrency", "1", "--out", first, "--json");

        // The run recorded prompt hashes, so its own transcript replays correctly with concurrent calls.
        string second = Path.Combine(_root, "second");
        JsonElement replayed = CliRunner.RunJson(
            "synthesize", "--llm", "replay:" + Path.Combine(first, "transcript.jsonl"), "--count", "3", "--concurrency", "3", "--out", second, "--json");

        Assert.Equal(Names(original, "kept"), Names(replayed, "kept"));
        Assert.Equal(["llm-000", "llm-001-r1"], Names(replayed, "kept"));
        Assert.Equal(Names(original, "dropped"), Names(replayed, "dropped"));
        Assert.Equal(
            ProgramLibrary.Load(first).Programs.Select(p => p.ContentHash),
            ProgramLibrary.Load(second).Programs.Select(p => p.ContentHash));
    }

    [Fact]
    public void Synthesize_Table_PrintsKeptDroppedAndLedger()
    {
        string transcript = WriteTranscript((Fenced(CheckOut), 100, 20), ("no code", 50, 5), ("still no code", 50, 5));
        (int code, string output, string error) = CliRunner.Run("synthesize", "--llm", "replay:" + transcript, "--count", "2", "--concurrency", "1", "--out", Path.Combine(_root, "out"));

        Assert.True(code == 0, error);
        Assert.Contains("Kept 1 program(s), written to", output, StringComparison.Ordinal);
        Assert.Contains("llm-000", output, StringComparison.Ordinal);
        Assert.Contains("Dropped 1:", output, StringComparison.Ordinal);
        Assert.Contains("llm-001-r1  [synthesis: RejectedReply]  The reply has no code block", output, StringComparison.Ordinal);
        Assert.Contains("Cost ledger: 3 call(s) (1 repair(s); 0 failed, 0 retries, 0 timeouts, 0 s waited), 200 input tokens, 30 output tokens", output, StringComparison.Ordinal);
        Assert.Contains("No price for: replayed-model in the tool's bundled prices. Give --prices FILE to price them.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Synthesize_TranscriptTooShort_CostsOnlyTheMissingPrograms()
    {
        string transcript = WriteTranscript((Fenced(CheckOut), 10, 2));
        JsonElement json = CliRunner.RunJson("synthesize", "--llm", "replay:" + transcript, "--count", "2", "--concurrency", "1", "--out", Path.Combine(_root, "out"), "--json");

        Assert.Equal(["llm-000"], Names(json, "kept"));
        JsonElement failed = Assert.Single(json.GetProperty("dropped").EnumerateArray());
        Assert.Equal("CallFailed", failed.GetProperty("reason").GetString());
        Assert.Contains("The replay has no reply left for request #2", failed.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Synthesize_OutputFolderNotEmpty_IsBadInput()
    {
        string output = Path.Combine(_root, "busy");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        (int code, _, string error) = CliRunner.Run("synthesize", "--llm", "replay:" + WriteTranscript(), "--out", output);
        Assert.Equal(2, code);
        Assert.Contains($"The output folder '{output}' is not empty; give a new or empty folder for the program library.", error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("claude:opus", "The LLM provider 'claude' in --llm 'claude:opus' is unknown.")]
    [InlineData("replay:/no/such/transcript.jsonl", "The chat transcript '/no/such/transcript.jsonl' does not exist.")]
    public void Synthesize_BadLlm_IsBadInput(string spec, string message)
    {
        (int code, _, string error) = CliRunner.Run("synthesize", "--llm", spec, "--out", Path.Combine(_root, "out"));
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count", "0", "--count is 0; ask for between 1 and 1000 programs.")]
    [InlineData("--repairs", "11", "--repairs is 11; allow between 0 and 10 repairs per program.")]
    public void Synthesize_OutOfRange_IsBadInput(string option, string value, string message)
    {
        (int code, _, string error) = CliRunner.Run("synthesize", "--llm", "replay:x.jsonl", "--out", Path.Combine(_root, "out"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Synthesize_MissingRequiredOptions_IsBadInput()
    {
        (int code, _, string error) = CliRunner.Run("synthesize", "--out", Path.Combine(_root, "out"));
        Assert.Equal(2, code);
        Assert.Contains("--llm", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsSynthesize()
    {
        (int code, string output, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("synthesize", output, StringComparison.Ordinal);
    }

    private static string Fenced(string code) => $"Here is a program.\n```csharp\n{code}\n```";

    private static IEnumerable<string?> Names(JsonElement json, string list) =>
        json.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("name").GetString());

    private string WriteTranscript(params (string Reply, long Input, long Output)[] exchanges)
    {
        string path = Path.Combine(_root, "run-" + Guid.NewGuid().ToString("N")[..8] + ".jsonl");
        File.WriteAllLines(path, exchanges.Select(e => ChatTranscript.FormatLine(new RecordedExchange(e.Reply, e.Input, e.Output) { ModelId = "replayed-model" })));
        return path;
    }
}
