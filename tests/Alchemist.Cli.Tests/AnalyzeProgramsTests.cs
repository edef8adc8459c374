using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist analyze --programs DIR</c>: a folder of programs compiled in the sandbox and analysed on a dataset or the user's own file.</summary>
public sealed class AnalyzeProgramsTests : IDisposable
{
    private const string CheckOut = "using System;\n\npublic static class CheckOut\n{\n    public static int Label(string item) => item.Contains(\"check out\", StringComparison.OrdinalIgnoreCase) ? 1 : -1;\n}\n";
    private const string Short = "public static class Short\n{\n    public static int Label(string item) => item.Length < 30 ? 0 : -1;\n}\n";
    private const string Sneaky = "using System.IO;\n\npublic static class Sneaky\n{\n    public static int Label(string item) => File.Exists(\"/etc/passwd\") ? 1 : -1;\n}\n";
    private const string Throws = "public static class Throws\n{\n    public static int Label(string item) => item.Length > 40 ? int.Parse(item) : -1;\n}\n";

    private readonly string _root = Directory.CreateTempSubdirectory("alchemist-analyze-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AnalyzePrograms_FolderOfFiles_AnalysesTheAcceptedOnesAndReportsTheRejectedOneWithItsRule()
    {
        string folder = Folder(("Short.cs", Short), ("CheckOut.cs", CheckOut), ("Sneaky.cs", Sneaky), ("notes.txt", "not a program"));

        (int code, string output, string error) = CliRunner.Run("analyze", "--programs", folder, "--json");

        Assert.Equal(0, code);
        Assert.Equal($"warning: the sandbox rejected 1 of 3 programs in '{folder}' (Sneaky); the other 2 are analysed.", error.Trim());
        JsonElement json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("youtube", "train", 1686, 120), (json.GetProperty("dataset").GetString(), json.GetProperty("split").GetString(), json.GetProperty("items").GetInt32(), json.GetProperty("devItems").GetInt32()));
        Assert.Equal(["CheckOut", "Short"], json.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        JsonElement rejected = Assert.Single(json.GetProperty("rejected").EnumerateArray());
        Assert.Equal(("Sneaky", Path.Combine(folder, "Sneaky.cs")), (rejected.GetProperty("name").GetString(), rejected.GetProperty("file").GetString()));
        Assert.All(rejected.GetProperty("reasons").EnumerateArray(), r => Assert.Equal("io", r.GetProperty("rule").GetString()));

        // The figures are those of the programs' rules, counted here on the dataset's own texts and gold labels.
        WrenchDataset youtube = TestData.Load("youtube");
        bool[] checkOut = [.. youtube.Train.Texts.Select(t => t!.Contains("check out", StringComparison.OrdinalIgnoreCase))];
        bool[] shortText = [.. youtube.Train.Texts.Select(t => t!.Length < 30)];
        int n = checkOut.Length;
        JsonElement first = json.GetProperty("functions")[0];
        Assert.Equal(Math.Round(checkOut.Count(v => v) / (double)n, 6), first.GetProperty("coverage").GetDouble());
        Assert.Equal(checkOut.Where((v, i) => v && youtube.Train.GoldLabels[i] == 1).Count(), first.GetProperty("correct").GetInt32());
        Assert.Equal(checkOut.Where((v, i) => v && youtube.Train.GoldLabels[i] == 0).Count(), first.GetProperty("incorrect").GetInt32());
        Assert.Equal([1], first.GetProperty("polarity").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(Math.Round(Enumerable.Range(0, n).Count(i => checkOut[i] && shortText[i]) / (double)n, 6), first.GetProperty("overlaps").GetDouble());
        Assert.Equal(Math.Round(Enumerable.Range(0, n).Count(i => checkOut[i] || shortText[i]) / (double)n, 6), json.GetProperty("coverage").GetDouble());
        Assert.Equal(0, first.GetProperty("faults").GetInt64());

        WrenchSplit valid = youtube.Valid!;
        int[] devVotes = [.. Enumerable.Range(0, valid.Count).Where(i => valid.Texts[i]!.Contains("check out", StringComparison.OrdinalIgnoreCase))];
        Assert.Equal(Math.Round(devVotes.Length / (double)valid.Count, 6), first.GetProperty("devCoverage").GetDouble());
        Assert.Equal(Math.Round(devVotes.Count(i => valid.GoldLabels[i] == 1) / (double)devVotes.Length, 6), first.GetProperty("devAccuracy").GetDouble());
    }

    [Fact]
    public void AnalyzePrograms_Table_PrintsTheOwnVotesColumnsFaultsAndRejections()
    {
        string folder = Folder(("CheckOut.cs", CheckOut), ("Sneaky.cs", Sneaky), ("Throws.cs", Throws));

        (int code, string output, _) = CliRunner.Run("analyze", "--programs", folder);

        Assert.Equal(0, code);
        Assert.StartsWith($"Dataset youtube, train split: 1686 items, 120 dev items; 3 programs from {folder}, 1 rejected by the sandbox\nCoverage ", output, StringComparison.Ordinal);
        Assert.Matches(@"\nfunction +polarity +coverage +overlaps +conflicts +correct +incorrect +emp\. acc\. +faults +dev cov\. +dev acc\.\n", output);
        Assert.Matches(@"\nThrows: \d+ fault\(s\)(, quarantined)?; first fault: FormatException", output);
        Assert.Contains($"\nSneaky ({Path.Combine(folder, "Sneaky.cs")}) was rejected by the sandbox:\n  line 5, column ", output, StringComparison.Ordinal);
        Assert.Contains("[io]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzePrograms_ALibraryOnTheUsersOwnFile_ScoresTheLabeledRowsOnly()
    {
        var task = new LabelingTask("spam", "Is a comment spam?", ["ham", "spam"]);
        string library = Path.Combine(_root, "library");
        new ProgramLibrary([Program("short", Short), Program("check-out", CheckOut)], task).Save(library);
        string input = Path.Combine(_root, "own.csv");
        File.WriteAllText(input, "text,label\ncheck out my channel,spam\ncheck out this song it is a great one to hear,ham\nnice song,\nplease check out www.example.com now,\n");

        JsonElement json = CliRunner.RunJson("analyze", "--programs", library, "--input", input, "--classes", "ham,spam", "--json");

        Assert.Equal(("own", "input", 4, 2), (json.GetProperty("dataset").GetString(), json.GetProperty("split").GetString(), json.GetProperty("items").GetInt32(), json.GetProperty("labeledItems").GetInt32()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("devItems").ValueKind);

        // The library's order; 'check-out' votes spam on rows 1, 2 and 4, of which rows 1 (spam) and 2 (ham) are labeled.
        Assert.Equal(["short", "check-out"], json.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        JsonElement checkOut = json.GetProperty("functions")[1];
        Assert.Equal((0.75, 1, 1, 0.5), (checkOut.GetProperty("coverage").GetDouble(), checkOut.GetProperty("correct").GetInt32(), checkOut.GetProperty("incorrect").GetInt32(), checkOut.GetProperty("empiricalAccuracy").GetDouble()));

        // 'short' votes ham on rows 1 and 3 (under 30 characters); row 1 is spam, where the two disagree.
        JsonElement shortRule = json.GetProperty("functions")[0];
        Assert.Equal((0.5, 0.25, 0.25, 0, 1), (
            shortRule.GetProperty("coverage").GetDouble(),
            shortRule.GetProperty("overlaps").GetDouble(),
            shortRule.GetProperty("conflicts").GetDouble(),
            shortRule.GetProperty("correct").GetInt32(),
            shortRule.GetProperty("incorrect").GetInt32()));
        Assert.Equal(1.0, json.GetProperty("coverage").GetDouble());
        Assert.Empty(json.GetProperty("rejected").EnumerateArray());
    }

    [Fact]
    public void AnalyzePrograms_ARunsLibrary_GivesTheRunsOwnCoverage()
    {
        string run = Path.Combine(_root, "run");
        JsonElement runJson = CliRunner.RunJson("run", "--programs", "4", "--seed-labels", "40", "--in-process", "--out", run, "--json");

        JsonElement json = CliRunner.RunJson("analyze", "--programs", Path.Combine(run, "programs"), "--json");

        Assert.Equal(
            ProgramLibrary.Load(Path.Combine(run, "programs")).Programs.Select(p => p.Name),
            json.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(runJson.GetProperty("programs").GetProperty("kept").GetInt32(), json.GetProperty("functions").GetArrayLength());
        Assert.Equal(runJson.GetProperty("coverage").GetDouble(), json.GetProperty("coverage").GetDouble());
        Assert.Empty(json.GetProperty("rejected").EnumerateArray());
    }

    [Fact]
    public void AnalyzePrograms_EveryProgramRejected_ExitsThreeAndListsTheReasons()
    {
        string folder = Folder(("Sneaky.cs", Sneaky));

        (int code, string output, string error) = CliRunner.Run("analyze", "--programs", folder);

        Assert.Equal(3, code);
        Assert.Equal($"error: the sandbox rejected every program in '{folder}' (1); nothing was analysed. Its reasons are listed with each program.", error.Trim());
        Assert.Contains("Sneaky", output, StringComparison.Ordinal);
        Assert.Contains("[io]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzePrograms_LibraryOfAnotherClassCount_IsBadInput()
    {
        string library = Path.Combine(_root, "trec-library");
        new ProgramLibrary([Program("short", Short)], new LabelingTask("q", "Question type?", ["a", "b", "c"])).Save(library);

        (int code, _, string error) = CliRunner.Run("analyze", "--programs", library);

        Assert.Equal(2, code);
        Assert.Contains($"error: The program library '{library}' was written for 3 classes (a, b, c), and the data has 2 (HAM, SPAM)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzePrograms_MissingFolder_IsBadInput()
    {
        string missing = Path.Combine(_root, "nope");
        (int code, _, string error) = CliRunner.Run("analyze", "--programs", missing);
        Assert.Equal(2, code);
        Assert.Contains($"error: The program folder '{missing}' does not exist;", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzePrograms_FolderWithoutPrograms_IsBadInput()
    {
        string folder = Folder(("readme.md", "no programs here"));
        (int code, _, string error) = CliRunner.Run("analyze", "--programs", folder);
        Assert.Equal(2, code);
        Assert.Contains($"error: The folder '{folder}' holds no program;", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: --input has no votes of its own to analyse; add --programs DIR to analyse programs on it.", "--input", "own.csv", "--classes", "ham,spam")]
    [InlineData("error: --input needs --classes", "--input", "own.csv", "--programs", "dir")]
    [InlineData("error: --input and --data are mutually exclusive", "--input", "own.csv", "--data", "dir", "--programs", "dir")]
    public void Analyze_InputArguments_AreCheckedBeforeWork(string message, params string[] args)
    {
        (int code, _, string error) = CliRunner.Run(["analyze", .. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static LabelingProgram Program(string name, string source) => new(name, source, new ProgramProvenance { Synthesizer = "test" });

    private string Folder(params (string Name, string Text)[] files)
    {
        string folder = Path.Combine(_root, "programs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        foreach ((string name, string text) in files)
        {
            File.WriteAllText(Path.Combine(folder, name), text);
        }

        return folder;
    }
}
