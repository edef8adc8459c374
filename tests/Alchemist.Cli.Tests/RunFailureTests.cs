using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests;

/// <summary>
/// Every failure of <c>alchemist run</c> visible (issue #12, item 2): synthesis calls that gave no program are listed
/// with their reasons in run.json and both reports, the offline synthesizer says why it found nothing, arguments the
/// data cannot satisfy are refused before any work, and Ctrl-C exits 130.
/// </summary>
public sealed class RunFailureTests : IDisposable
{
    private const string ReadsAFile = "using System.IO;\n\npublic static class ReadsAFile\n{\n    public static int Label(string item) => File.Exists(item) ? 1 : -1;\n}";
    private const string NeverVotes = "public static class NeverVotes\n{\n    public static int Label(string item) => -1;\n}";

    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-run-failures-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_ReplayedProgramsThatGaveNoProgram_AreListedWithTheirReasonsInRunJsonBothReportsAndOneWarning()
    {
        // One slot, in order: a program the sandbox rejects (io), a repair reply without a code block, a program that
        // never votes (kept by the validator, dropped by the gate); the replay then has no reply left for later calls.
        string transcript = Path.Combine(_dir, "transcript.jsonl");
        File.WriteAllLines(transcript, [
            Exchange($"Here it is.\n```csharp\n{ReadsAFile}\n```"),
            Exchange("Sorry, I cannot fix that."),
            Exchange($"```csharp\n{NeverVotes}\n```"),
        ]);
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run(
            "run", "--llm", "replay:" + transcript, "--programs", "1", "--seed-labels", "60", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        using JsonDocument runJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json")));
        JsonElement[] failed = [.. runJson.RootElement.GetProperty("failedAttempts").EnumerateArray()];
        JsonElement sandbox = Assert.Single(failed, a => a.GetProperty("outcome").GetString() == "FailedValidation");
        Assert.Contains(sandbox.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("[io]", StringComparison.Ordinal));
        Assert.Equal(0, sandbox.GetProperty("attempt").GetInt32());
        JsonElement noBlock = Assert.Single(failed, a => a.GetProperty("outcome").GetString() == "RejectedReply");
        Assert.Contains("code block", noBlock.GetProperty("message").GetString()!, StringComparison.Ordinal);
        JsonElement[] callFailed = [.. failed.Where(a => a.GetProperty("outcome").GetString() == "CallFailed")];
        Assert.NotEmpty(callFailed);
        Assert.All(callFailed, a => Assert.Contains("The replay has no reply left", a.GetProperty("message").GetString()!, StringComparison.Ordinal));

        // The program that never votes reached the gate and was dropped there, with its reason.
        JsonElement[] dropped = [.. runJson.RootElement.GetProperty("dropped").EnumerateArray()];
        Assert.Equal(runJson.RootElement.GetProperty("programs").GetProperty("dropped").GetInt32(), dropped.Length);
        JsonElement allAbstain = Assert.Single(dropped, d => d.GetProperty("from").GetString() == "chat");
        Assert.Equal("AllAbstain", allAbstain.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(allAbstain.GetProperty("message").GetString()));

        // One warning line with the count, in the console, run.json and the reports.
        string warning = Assert.Single(runJson.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!), w => w.Contains("synthesis calls gave no program", StringComparison.Ordinal));
        Assert.StartsWith($"{failed.Length} of ", warning, StringComparison.Ordinal);
        Assert.Contains($"warning: {warning}", stdout, StringComparison.Ordinal);
        Assert.Contains("warning: ", error, StringComparison.Ordinal);

        string markdown = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains($"## Synthesis attempts that gave no program ({failed.Length} of ", markdown, StringComparison.Ordinal);
        Assert.Contains("| original | failed validation |", markdown, StringComparison.Ordinal);
        Assert.Contains("[io]", markdown, StringComparison.Ordinal);
        Assert.Contains("| no code block |", markdown, StringComparison.Ordinal);
        Assert.Contains("| call failed | ", markdown, StringComparison.Ordinal);
        Assert.Contains("The replay has no reply left", markdown, StringComparison.Ordinal);
        Assert.Contains("| AllAbstain |", markdown, StringComparison.Ordinal);
        Assert.Contains($"- {warning}", markdown, StringComparison.Ordinal);

        string html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains($"<h2>Synthesis attempts that gave no program ({failed.Length} of ", html, StringComparison.Ordinal);
        Assert.Contains("<td>failed validation</td>", html, StringComparison.Ordinal);
        Assert.Contains("[io]", html, StringComparison.Ordinal);
        Assert.Contains("<td>no code block</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>call failed</td>", html, StringComparison.Ordinal);
        Assert.Contains("The replay has no reply left", html, StringComparison.Ordinal);
        Assert.Contains("<td>AllAbstain</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TooFewSeedLabelsForTheOfflineSynthesizer_SaysWhyAndWhatWouldHelp()
    {
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--seed-labels", "10", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Contains("Programs     0 kept, 0 dropped", stdout, StringComparison.Ordinal);
        const string Why = "warning: The offline synthesizer wrote no program: 10 seed labels (";
        Assert.Contains(Why, stdout, StringComparison.Ordinal);
        string line = stdout.Split('\n').Single(l => l.StartsWith(Why, StringComparison.Ordinal));
        Assert.Contains("are too few for any heuristic to be shown precise", line, StringComparison.Ordinal);
        Assert.Matches(@"must match at least \d+ HAM items \(floor 0\.\d\d\), \d+ SPAM items", line);
        Assert.Contains("Label more items (about 100, with every class among them), or add an LLM synthesizer", line, StringComparison.Ordinal);
        Assert.Contains(line["warning: ".Length..].TrimEnd('\r'), File.ReadAllText(Path.Combine(output, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MetricF1OnAMulticlassTask_IsRefusedBeforeAnyWorkSayingWhichMetricFits()
    {
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--data", TestData.DatasetPath("trec"), "--metric", "f1", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            "error: --metric f1 scores class 1 of a binary task, and 'trec' has 6 classes (DESC, ENTY, HUM, ABBR, LOC, NUM); use --metric accuracy, which fits any number of classes." + Environment.NewLine,
            error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_MoreSeedLabelsThanTheDevSplitHas_IsRefusedSayingHowManyThereAre()
    {
        string output = Path.Combine(_dir, "out");
        int valid = TestData.Load("youtube").Valid!.Count;

        (int code, string stdout, string error) = CliRunner.Run("run", "--seed-labels", "5000", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: --seed-labels is 5000, but valid.json has only {valid} labels; give at most {valid}, or leave it out to use them all.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_MoreSeedLabelsThanTheInputHasLabeledRows_IsRefusedSayingHowManyThereAre()
    {
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(input, ["text,gold", "check out my channel,SPAM", "nice song,HAM", "subscribe now,", "great video,"]);

        (int code, _, string error) = CliRunner.Run("run", "--input", input, "--label-field", "gold", "--classes", "HAM,SPAM", "--seed-labels", "3", "--out", Path.Combine(_dir, "out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: --seed-labels is 3, but 'gold' of {input} has only 2 labels; give at most 2, or leave it out to use them all.{Environment.NewLine}", error);
    }

    [Fact]
    public async Task Run_TemporaryFolderThatDoesNotExist_IsRefusedNamingItBeforeAnyWork()
    {
        // TMPDIR is read by the whole process, so the command runs in a process of its own.
        string missing = Path.Combine(_dir, "no-such-temp");
        string output = Path.Combine(_dir, "out");
        string? dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? host
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        Assert.False(string.IsNullOrEmpty(dotnet), "no dotnet host to start the command with");
        var start = new System.Diagnostics.ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "alchemist.dll"), "run", "--data", CliRunner.SmallYouTube(_dir), "--out", output })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[OperatingSystem.IsWindows() ? "TMP" : "TMPDIR"] = missing;
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        string error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}: {error}");
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("[synthesize]", await stdout + error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("header.csv", "text,label\n")]
    [InlineData("nothing.csv", "")]
    [InlineData("nothing.jsonl", "")]
    [InlineData("blank.jsonl", "\n\n")]
    public void Run_EmptyInput_IsRefusedBeforeAnyWork(string name, string content)
    {
        string input = Path.Combine(_dir, name);
        File.WriteAllText(input, content);
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: --input '{input}' has no rows; give at least one row to label.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("header.csv", "text,label\n")]
    [InlineData("nothing.jsonl", "")]
    public void Run_EmptyTestInput_IsRefusedBeforeAnyWork(string name, string content)
    {
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(input, ["text,label", "check out my channel,SPAM", "nice song,"]);
        string test = Path.Combine(_dir, name);
        File.WriteAllText(test, content);
        string output = Path.Combine(_dir, "out");

        (int code, _, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--test-input", test, "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: --test-input '{test}' has no rows; give labeled rows to score on, or leave it out.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("header.csv", "id,text\n")]
    [InlineData("nothing.csv", "")]
    [InlineData("nothing.jsonl", "")]
    public async Task Label_EmptyInput_IsRefusedAndWritesNothing(string name, string content)
    {
        string model = await SaveToyModelAsync();
        string input = Path.Combine(_dir, name);
        File.WriteAllText(input, content);
        string output = Path.Combine(_dir, "labels.jsonl");

        (int code, string stdout, string error) = CliRunner.Run("label", "--model", model, "--input", input, "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            $"error: --input '{input}' has no items (a CSV needs a header row and at least one row, a JSON Lines file at least one object); give at least one item to label.{Environment.NewLine}",
            error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Run_IdFieldGivenButMissingFromAJsonLinesRow_NamesTheFileLineAndField()
    {
        string input = Path.Combine(_dir, "items.jsonl");
        File.WriteAllLines(input, [
            """{"key": "a", "text": "check out my channel", "label": "SPAM"}""",
            """{"key": "b", "text": "nice song"}""",
            string.Empty,
            """{"text": "subscribe now"}""",
        ]);
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--id-field", "key", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: {input}, record 3 (line 4), field 'key': is empty or missing, and every record of this file needs an id.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_IdFieldLeftOut_NumbersJsonLinesRowsWithoutAnId()
    {
        // The default 'id' is used where present and the row's number elsewhere; only a named field is required.
        string input = Path.Combine(_dir, "items.jsonl");
        WrenchDataset youtube = TestData.Load("youtube");
        File.WriteAllLines(input, Enumerable.Range(0, 200).Select(i => JsonSerializer.Serialize(new { text = youtube.Train.Texts[i], label = i < 100 ? youtube.Train.GoldLabels[i] : (int?)null })));
        string output = Path.Combine(_dir, "out");

        (int code, _, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--programs", "2", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Equal("101", JsonDocument.Parse(File.ReadLines(Path.Combine(output, "labels.jsonl")).First()).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Label_IdFieldGivenButMissingFromAJsonLinesRow_NamesTheFileLineAndField()
    {
        string model = await SaveToyModelAsync();
        string input = Path.Combine(_dir, "items.jsonl");
        File.WriteAllLines(input, ["""{"key": "a", "text": "free prize"}""", """{"key": null, "text": "lunch"}"""]);

        (int code, _, string error) = CliRunner.Run("label", "--model", model, "--input", input, "--id-field", "key");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: {input}, record 2 (line 2), field 'key': is empty or missing, and every record of this file needs an id.{Environment.NewLine}", error);
    }

    [Fact]
    public void Run_Cancelled_ExitsWith130AsTheDocsSay()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = AlchemistCommandLine.Run(["run", "--in-process", "--out", Path.Combine(_dir, "out")], output, error, cancellationToken: cancelled.Token);

        Assert.Equal(ExitCodes.Canceled, code);
        Assert.Equal(130, ExitCodes.Canceled);
        Assert.Equal("error: canceled." + Environment.NewLine, error.ToString());
        Assert.False(File.Exists(Path.Combine(_dir, "out", "labels.jsonl")));
    }

    private static string Exchange(string reply) => ChatTranscript.FormatLine(new RecordedExchange(reply, 500, 100) { ModelId = "replayed-model" });

    private async Task<string> SaveToyModelAsync()
    {
        ITrainedEndModel<string> trained = await LogisticRegressionEndModel.ForText().TrainAsync(
            EndModelTrainingSet.FromLabels(["free prize now", "see you at lunch", "win a free prize", "lunch at home"], [1, 0, 1, 0], 2));
        string path = Path.Combine(_dir, "end-model.bin");
        await using FileStream file = File.Create(path);
        await LogisticRegressionEndModel.ForText().SaveAsync(trained, file);
        return path;
    }
}
