using System.Text.Json;
using Alchemist.Cli.Llm;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist run --input</c>: the user's own CSV or JSON Lines file, made here from YouTube's train split.</summary>
public sealed class RunInputTests : IDisposable
{
    private const int Seeds = 100;
    private const string CheckOut = "using System;\n\npublic static class CheckOut\n{\n    public static int Label(string item) => item.Contains(\"check out\", StringComparison.OrdinalIgnoreCase) ? 1 : -1;\n}";

    private static readonly string[] ClassNames = ["HAM", "SPAM"];

    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-run-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_CsvWithSeedLabelsAsNamesOrIndices_LabelsEveryUnlabeledRowUnderItsIdAndScoresTheTestInput()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        int rows = youtube.Train.Count;
        string byName = WriteCsv("own-names.csv", rows, label: i => i < Seeds ? ClassNames[youtube.Train.GoldLabels[i]] : string.Empty);
        string byIndex = WriteCsv("own-indices.csv", rows, label: i => i < Seeds ? youtube.Train.GoldLabels[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);
        string test = Path.Combine(_dir, "test.csv");
        File.WriteAllLines(test, ["body,gold", .. Enumerable.Range(0, youtube.Test!.Count).Select(i => $"{Quote(youtube.Test.Texts[i]!)},{ClassNames[youtube.Test.GoldLabels[i]]}")]);

        string names = Path.Combine(_dir, "names");
        (int code, string output, string error) = CliRunner.Run(
            "run", "--input", byName, "--text-field", "body", "--label-field", "gold", "--id-field", "key", "--classes", "HAM,SPAM",
            "--task", "Is a YouTube comment spam?", "--test-input", test, "--in-process", "--out", names);

        Assert.True(code == 0, error);
        Assert.Contains($"Dataset      own-names: {rows - Seeds:N0} items, {Seeds} seed labels, 2 classes", output, StringComparison.Ordinal);
        Assert.Contains("end model (distilled)", output, StringComparison.Ordinal);
        string[] labels = File.ReadAllLines(Path.Combine(names, "labels.jsonl"));
        Assert.Equal(Enumerable.Range(Seeds, rows - Seeds).Select(i => "yt-" + youtube.Train.Ids[i]), labels.Select(l => Id(l)));

        using JsonDocument run = JsonDocument.Parse(File.ReadAllText(Path.Combine(names, "run.json")));
        Assert.Equal("own-names", run.RootElement.GetProperty("dataset").GetString());
        Assert.True(run.RootElement.GetProperty("programs").GetProperty("kept").GetInt32() > 0);
        Assert.InRange(run.RootElement.GetProperty("endModelTest").GetProperty("accuracy").GetDouble(), 0.8, 1.0);
        Assert.InRange(run.RootElement.GetProperty("seedOnlyTest").GetProperty("accuracy").GetDouble(), 0.5, 1.0);

        // Indices instead of names: the same seed labels, so the same run.
        string indices = Path.Combine(_dir, "indices");
        (code, _, error) = CliRunner.Run(
            "run", "--input", byIndex, "--text-field", "body", "--label-field", "gold", "--id-field", "key", "--classes", "HAM,SPAM",
            "--task", "Is a YouTube comment spam?", "--in-process", "--out", indices);
        Assert.True(code == 0, error);
        Assert.Equal(labels, File.ReadAllLines(Path.Combine(indices, "labels.jsonl")));
    }

    [Fact]
    public void Run_TrainAndValidAsOneFile_GivesTheRunOfTheWrenchFolder()
    {
        // The same items, seed labels, test split and task as --data: the same run, byte for byte.
        WrenchDataset youtube = TestData.Load("youtube");
        WrenchSplit valid = youtube.Valid!;
        string input = Path.Combine(_dir, "youtube.jsonl");
        File.WriteAllLines(input, [
            .. Enumerable.Range(0, youtube.Train.Count).Select(i => JsonSerializer.Serialize(new { id = youtube.Train.Ids[i], text = youtube.Train.Texts[i] })),
            .. Enumerable.Range(0, valid.Count).Select(i => JsonSerializer.Serialize(new { id = "valid-" + valid.Ids[i], text = valid.Texts[i], label = valid.GoldLabels[i] })),
        ]);
        string test = Path.Combine(_dir, "test.jsonl");
        File.WriteAllLines(test, Enumerable.Range(0, youtube.Test!.Count).Select(i => JsonSerializer.Serialize(new { text = youtube.Test.Texts[i], label = ClassNames[youtube.Test.GoldLabels[i]] })));
        string own = Path.Combine(_dir, "own");
        string wrench = Path.Combine(_dir, "wrench");

        JsonElement ownJson = CliRunner.RunJson(
            "run", "--input", input, "--classes", "HAM,SPAM", "--task", youtube.Task.Description, "--test-input", test, "--seed-labels", "60", "--programs", "4", "--in-process", "--out", own, "--json");
        JsonElement wrenchJson = CliRunner.RunJson("run", "--data", TestData.DatasetPath("youtube"), "--seed-labels", "60", "--programs", "4", "--in-process", "--out", wrench, "--json");

        Assert.Equal(File.ReadAllLines(Path.Combine(wrench, "labels.jsonl")), File.ReadAllLines(Path.Combine(own, "labels.jsonl")));
        foreach (string key in new[] { "dataset", "programs", "labelModel", "labelModelTest", "endModelTest", "seedOnlyTest", "coverage", "cost" })
        {
            Assert.Equal(wrenchJson.GetProperty(key).GetRawText(), ownJson.GetProperty(key).GetRawText());
        }

        Assert.InRange(ownJson.GetProperty("endModelTest").GetProperty("accuracy").GetDouble(), 0.8, 1.0);
    }

    [Fact]
    public void Run_JsonLinesWithoutIds_NumbersTheRowsAndSkipsNullOrMissingLabels()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        const int rows = 300;
        string input = Path.Combine(_dir, "comments.jsonl");
        File.WriteAllLines(input, Enumerable.Range(0, rows).Select(i => i switch
        {
            < Seeds => JsonSerializer.Serialize(new { text = youtube.Train.Texts[i], label = ClassNames[youtube.Train.GoldLabels[i]].ToLowerInvariant() }),
            < 200 => JsonSerializer.Serialize(new { text = youtube.Train.Texts[i], label = (string?)null }),
            _ => JsonSerializer.Serialize(new { text = youtube.Train.Texts[i] }),
        }));
        string output = Path.Combine(_dir, "out");

        JsonElement json = CliRunner.RunJson("run", "--input", input, "--classes", "ham,spam", "--programs", "4", "--in-process", "--out", output, "--json");

        Assert.Equal("comments", json.GetProperty("dataset").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("endModelTest").GetProperty("accuracy").ValueKind);
        Assert.Equal(
            Enumerable.Range(Seeds + 1, rows - Seeds).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            File.ReadAllLines(Path.Combine(output, "labels.jsonl")).Select(l => Id(l)));
    }

    [Fact]
    public void Run_NoLabeledRowsOffline_IsRefusedBeforeAnyWorkSayingWhatWouldHelp()
    {
        string input = WriteCsv("unlabeled.csv", 200, label: _ => string.Empty);
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--input", input, "--text-field", "body", "--label-field", "gold", "--id-field", "key", "--classes", "HAM,SPAM", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            $"error: No row has a label in 'gold' of {input}, and the offline synthesizer mines programs from seed labels, so nothing could write a program. " +
            "Label some rows (about 100, every class among them), or add --llm to have an LLM write programs from the task, or --library DIR to re-run stored programs." + Environment.NewLine,
            error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_NoLabeledRowsWithAnLlm_LabelsWithItsProgramsAndWarnsInConsoleAndReport()
    {
        string input = WriteCsv("unlabeled.csv", 300, label: _ => string.Empty);
        string transcript = Path.Combine(_dir, "transcript.jsonl");
        File.WriteAllLines(transcript, [ChatTranscript.FormatLine(new RecordedExchange($"Here is a program.\n```csharp\n{CheckOut}\n```", 1_000, 200) { ModelId = "replayed-model" })]);
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run(
            "run", "--input", input, "--text-field", "body", "--label-field", "gold", "--id-field", "key", "--classes", "HAM,SPAM",
            "--llm", "replay:" + transcript, "--programs", "1", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Contains("300 items, 0 seed labels", stdout, StringComparison.Ordinal);
        Assert.Contains("Programs     1 kept", stdout, StringComparison.Ordinal);
        Assert.Contains($"warning: {SynthesisStage.NoSeedLabelsForOffline}", stdout, StringComparison.Ordinal);
        Assert.Contains($"warning: {LabelingPipeline.NoSeedLabelsWarning}", stdout, StringComparison.Ordinal);
        Assert.Contains("fell back to majority vote", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("dev split", stdout, StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains(SynthesisStage.NoSeedLabelsForOffline, report, StringComparison.Ordinal);
        Assert.Contains(LabelingPipeline.NoSeedLabelsWarning, report, StringComparison.Ordinal);
        Assert.Equal(300, File.ReadAllLines(Path.Combine(output, "labels.jsonl")).Length);
    }

    [Theory]
    [InlineData("I would rather not write code.", ExitCodes.Failure, null, "gave no program (no code block): The reply has no code block")]
    [InlineData(null, ExitCodes.LlmFailed, "error: every call to replay:", "gave no program (call failed): ")]
    public void Run_NoLabeledRowsAndNoProgramKept_FailsSayingNothingCouldLabelTheItems(string? reply, int exitCode, string? providerLine, string why)
    {
        string input = WriteCsv("unlabeled.csv", 100, label: _ => string.Empty);
        string transcript = Path.Combine(_dir, "transcript.jsonl");
        File.WriteAllLines(transcript, reply is null ? [] : [ChatTranscript.FormatLine(new RecordedExchange(reply, 100, 10) { ModelId = "replayed-model" })]);

        (int code, string stdout, string error) = CliRunner.Run(
            "run", "--input", input, "--text-field", "body", "--label-field", "gold", "--classes", "HAM,SPAM",
            "--llm", "replay:" + transcript, "--programs", "1", "--in-process", "--out", Path.Combine(_dir, "out"));

        Assert.Equal(exitCode, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(
            "error: no program was kept and no item has a seed label, so nothing could label the items and no labels were written. Label some items (about 100, every class among them)",
            error,
            StringComparison.Ordinal);
        if (providerLine is not null)
        {
            Assert.Contains(providerLine, error, StringComparison.Ordinal);
        }

        // Each synthesis call that gave no program is named below the error, with why.
        Assert.Contains("  - The synthesis call for 'llm-000' " + why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MalformedRow_OneLineNamingFileLineAndFieldBeforeAnyWork()
    {
        string input = Path.Combine(_dir, "bad.csv");
        File.WriteAllLines(input, ["id,text,label", "a,\"check out my channel\",SPAM", "b,\"a quoted\nline break\",", "c,nice song,maybe", "d,more,"]);
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: {input}, record 3 (line 5), field 'label': is 'maybe', which is neither a class index nor a class name (HAM, SPAM).{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("id,text,label\na,check out my channel,SPAM\nb,nice song,\nc,more,\nb,again,\nd,last,", "id", "record 4, field 'id': is 'b'")]
    [InlineData("key,text,label\nx,check out my channel,SPAM\ny,nice song,\nx,again,", "key", "record 3, field 'key': is 'x'")]
    public void Run_RepeatedId_IsRefusedNamingTheLaterRowBeforeAnyWork(string csv, string idField, string expected)
    {
        // The rows to label are streamed (never held), so ids are checked by their hashes first, then the rows whose
        // hashes meet by their ids: the first row that repeats an id is named, labeled or not, before any work.
        string input = Path.Combine(_dir, "repeated.csv");
        File.WriteAllText(input, csv.Replace("\n", Environment.NewLine, StringComparison.Ordinal));
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run("run", "--input", input, "--id-field", idField, "--classes", "HAM,SPAM", "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"error: {input}, {expected}, which an earlier row has; ids must be distinct so that labels.jsonl can be joined back.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_TestInputRowWithoutLabel_IsRefusedNamingItsFileAndField()
    {
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(input, ["text,label", "check out my channel,1", "nice song,"]);
        string test = Path.Combine(_dir, "test.jsonl");
        File.WriteAllLines(test, ["""{"text": "subscribe", "label": "SPAM"}""", """{"text": "great video"}"""]);

        (int code, _, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--test-input", test, "--out", Path.Combine(_dir, "out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: {test}, record 2 (line 2), field 'label': is empty or missing, and every record of this file needs a label.{Environment.NewLine}", error);
    }

    [Theory]
    [InlineData("--input and --data are mutually exclusive", "--input", "x.csv", "--classes", "a,b", "--data", "data/wrench/youtube")]
    [InlineData("--input needs --classes", "--input", "x.csv")]
    [InlineData("--classes applies only to --input FILE", "--classes", "a,b")]
    [InlineData("--test-input applies only to --input FILE", "--test-input", "t.csv")]
    [InlineData("--classes is 'spam'; give at least two", "--input", "INPUT", "--classes", "spam")]
    [InlineData("--classes is 'a,A'; a class name appears twice", "--input", "INPUT", "--classes", "a,A")]
    [InlineData("--input 'INPUT.txt' is neither .csv nor .jsonl", "--input", "INPUT.txt", "--classes", "a,b")]
    [InlineData("--input '/no/such/file.csv' does not exist.", "--input", "/no/such/file.csv", "--classes", "a,b")]
    public void Run_BadInputArguments_AreRefusedWithExitTwo(string message, params string[] args)
    {
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(input, ["text,label", "check out my channel,1", "nice song,"]);
        File.Copy(input, input + ".txt");
        string output = Path.Combine(_dir, "out");

        (int code, string stdout, string error) = CliRunner.Run(["run", .. args.Select(a => a.Replace("INPUT", input, StringComparison.Ordinal)), "--out", output]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message.Replace("INPUT", input, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_IdFieldGivenButNotACsvColumn_NamesTheColumns()
    {
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(input, ["text,label", "check out my channel,1", "nice song,"]);

        (int code, _, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--id-field", "key", "--out", Path.Combine(_dir, "out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: {input}, record 1 (header), field 'key': is not a column; the columns are: text, label.{Environment.NewLine}", error);
    }

    [Fact]
    public void Run_EveryRowLabeled_IsRefusedAsNothingToLabel()
    {
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllLines(input, ["text,label", "check out my channel,SPAM", "nice song,HAM"]);

        (int code, _, string error) = CliRunner.Run("run", "--input", input, "--classes", "HAM,SPAM", "--out", Path.Combine(_dir, "out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("so there is nothing to label", error, StringComparison.Ordinal);
    }

    private static string Id(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Writes YouTube's first <paramref name="rows"/> train texts as a CSV with columns key, body, gold (ids "yt-ID").</summary>
    private string WriteCsv(string name, int rows, Func<int, string> label)
    {
        WrenchDataset youtube = TestData.Load("youtube");
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, ["key,body,gold", .. Enumerable.Range(0, rows).Select(i => $"yt-{youtube.Train.Ids[i]},{Quote(youtube.Train.Texts[i]!)},{label(i)}")]);
        return path;
    }
}
