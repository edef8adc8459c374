using System.Text.Json;

namespace Alchemist.Cli.Tests;

public class AnalyzeCommandTests
{
    [Fact]
    public void Analyze_Json_ListsEveryFunction()
    {
        JsonElement json = CliRunner.RunJson("analyze", "--json");
        Assert.Equal(1686, json.GetProperty("items").GetInt32());
        Assert.Equal(0.893238, json.GetProperty("coverage").GetDouble(), 6);
        JsonElement functions = json.GetProperty("functions");
        Assert.Equal(10, functions.GetArrayLength());
        Assert.Equal(0.869436, functions[0].GetProperty("empiricalAccuracy").GetDouble(), 6);
        Assert.Equal(1, functions[0].GetProperty("polarity")[0].GetInt32());
    }

    [Fact]
    public void Analyze_Table_HasAHeader()
    {
        (int code, string output, _) = CliRunner.Run("analyze");
        Assert.Equal(0, code);
        Assert.Contains("function  polarity  coverage", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsTheCommands()
    {
        (int code, string output, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("evaluate", output, StringComparison.Ordinal);
        Assert.Contains("analyze", output, StringComparison.Ordinal);
    }
}
