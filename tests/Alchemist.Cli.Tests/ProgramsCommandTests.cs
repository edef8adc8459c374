using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests;

public sealed class ProgramsCommandTests : IDisposable
{
    private const string Good = """
        public static class Links
        {
            public static int Label(string text) => text.Contains("http", StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    private const string ReadsFiles = """
        using System.IO;

        public static class Thief
        {
            public static int Label(string text)
            {
                return File.ReadAllText("/etc/passwd").Length > 0 ? 1 : 0;
            }
        }
        """;

    private const string Recurses = """
        public static class Recurses
        {
            public static int Label(string text) => Label(text + "!") + 1;
        }
        """;

    private const string ThrowsOnShortTexts = """
        public static class Picky
        {
            public static int Label(string text) => text.Length < 20 ? throw new InvalidOperationException("too short") : 0;
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("alchemist-programs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Check_AcceptedProgram_ExitsZeroWithNoReasons()
    {
        (int code, string output, _) = CliRunner.Run("programs", "check", Write("good.cs", Good), "--json");
        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("accepted").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public void Check_HostileProgram_ExitsThreeNamingRuleAndLine()
    {
        (int code, string output, _) = CliRunner.Run("programs", "check", Write("thief.cs", ReadsFiles), "--json");
        Assert.Equal(3, code);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("accepted").GetBoolean());
        JsonElement reason = json.RootElement.GetProperty("reasons").EnumerateArray().First(r => r.GetProperty("rule").GetString() == "io");
        Assert.Equal(7, reason.GetProperty("line").GetInt32());
        Assert.Contains("File.ReadAllText", reason.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Text_ListsTheReasonsReadably()
    {
        (int code, string output, _) = CliRunner.Run("programs", "check", Write("thief.cs", ReadsFiles));
        Assert.Equal(3, code);
        Assert.StartsWith("rejected: ", output, StringComparison.Ordinal);
        Assert.Contains("line 7, column ", output, StringComparison.Ordinal);
        Assert.Contains("[io]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingEntryPoint_IsARejection()
    {
        (int code, string output, _) = CliRunner.Run("programs", "check", Write("empty.cs", "public static class Nothing { }"), "--json");
        Assert.Equal(3, code);
        Assert.Contains("entry-point", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingFile_ExitsTwo()
    {
        (int code, _, string error) = CliRunner.Run("programs", "check", Path.Combine(_directory, "nope.cs"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoFile_ExitsTwo() => Assert.Equal(2, CliRunner.Run("programs", "check").ExitCode);

    [Fact]
    public void Run_MixedPrograms_ReportsEachAndSurvivesTheHostileOnes()
    {
        JsonElement json = CliRunner.RunJson(
            "programs", "run", Write("good.cs", Good), Write("thief.cs", ReadsFiles), Write("recurses.cs", Recurses), Write("picky.cs", ThrowsOnShortTexts), "--json");

        Assert.Equal("youtube", json.GetProperty("dataset").GetString());
        int items = json.GetProperty("items").GetInt32();
        Assert.Equal(TestData.Load("youtube").Train.Count, items);
        JsonElement[] programs = [.. json.GetProperty("programs").EnumerateArray()];
        Assert.Equal(["good", "thief", "recurses", "picky"], programs.Select(p => p.GetProperty("name").GetString()));

        JsonElement good = programs[0];
        Assert.True(good.GetProperty("accepted").GetBoolean());
        string[] texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        int expectedVotes = texts.Count(t => t.Contains("http", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(expectedVotes, good.GetProperty("votes").GetInt32());
        Assert.Equal(Math.Round((double)expectedVotes / items, 6), good.GetProperty("coverage").GetDouble(), 6);
        Assert.Equal(0, good.GetProperty("faults").GetInt64());
        Assert.True(good.GetProperty("milliseconds").GetDouble() > 0);
        Assert.Equal(
            good.GetProperty("compileMilliseconds").GetDouble() + good.GetProperty("applyMilliseconds").GetDouble(),
            good.GetProperty("milliseconds").GetDouble(),
            tolerance: 0.002); // each figure is rounded to 3 decimals on its own, so the sum may be off by 0.0015

        JsonElement thief = programs[1];
        Assert.False(thief.GetProperty("accepted").GetBoolean());
        Assert.Contains(thief.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "io" && r.GetProperty("line").GetInt32() == 7);

        JsonElement recurses = programs[2];
        Assert.True(recurses.GetProperty("accepted").GetBoolean());
        Assert.Equal(0, recurses.GetProperty("votes").GetInt32());
        Assert.True(recurses.GetProperty("quarantined").GetBoolean());
        Assert.Equal(256, recurses.GetProperty("budgetOverruns").GetInt64());
        Assert.Equal(256, recurses.GetProperty("faults").GetInt64());
        Assert.Contains("ProgramBudgetExceededException", recurses.GetProperty("firstFault").GetString(), StringComparison.Ordinal);

        JsonElement picky = programs[3];
        int shortTexts = texts.Count(t => t.Length < 20);
        Assert.Equal(shortTexts, picky.GetProperty("faults").GetInt64());
        Assert.Equal(items - shortTexts, picky.GetProperty("votes").GetInt32());
        Assert.Equal(0, picky.GetProperty("budgetOverruns").GetInt64());
        Assert.Equal(0, picky.GetProperty("regexTimeoutRetries").GetInt64());
        Assert.Contains("too short", picky.GetProperty("firstFault").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Text_ShowsATableAndTheRejections()
    {
        (int code, string output, _) = CliRunner.Run("programs", "run", Write("good.cs", Good), Write("thief.cs", ReadsFiles));
        Assert.Equal(0, code);
        Assert.Contains("program  accepted  votes  coverage", output, StringComparison.Ordinal);
        Assert.Contains("thief was rejected:", output, StringComparison.Ordinal);
        Assert.Contains("[io]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_ExitsTwoBeforeRunningAnything()
    {
        (int code, string output, string error) = CliRunner.Run("programs", "run", Write("good.cs", Good), Path.Combine(_directory, "missing.cs"));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("missing.cs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_DatasetWithoutTexts_ExitsTwo()
    {
        (int code, _, string error) = CliRunner.Run("programs", "run", Write("good.cs", Good), "--data", TestData.DatasetPath("imdb"));
        Assert.Equal(2, code);
        Assert.Contains("no texts", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OtherDataset_UsesItsTrainSplit()
    {
        JsonElement json = CliRunner.RunJson("programs", "run", Write("good.cs", Good), "--data", TestData.DatasetPath("sms"), "--json");
        Assert.Equal("sms", json.GetProperty("dataset").GetString());
        Assert.Equal(TestData.Load("sms").Train.Count, json.GetProperty("items").GetInt32());
    }

    private string Write(string name, string source)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, source);
        return path;
    }
}
