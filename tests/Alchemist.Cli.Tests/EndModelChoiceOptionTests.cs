using System.Text.Json;

namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist run --end-model-choice auto|always|off</c>: whether the run checks its end model against the seed-only model.</summary>
public sealed class EndModelChoiceOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-choice-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_UnknownChoice_ExitsTwoNamingTheValuesBeforeAnyWork()
    {
        string output = Path.Combine(_dir, "bad");

        (int code, _, string error) = CliRunner.Run("run", "--out", output, "--end-model-choice", "sometimes");

        Assert.Equal(2, code);
        Assert.Equal($"error: --end-model-choice is 'sometimes'; give auto (check when synthesis calls no service), always or off.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_Default_ChecksAndSaysWhichModelShippedInTheSummary()
    {
        string output = Path.Combine(_dir, "auto");

        (int code, string stdout, string error) = CliRunner.RunAsGiven("run", "--data", CliRunner.SmallYouTube(_dir), "--out", output, "--in-process");

        Assert.True(code == 0, error);
        Assert.Matches(@"Shipped      the (pipeline's end|seed-only) model, checked over 60 seed items in 5 folds: accuracy [01]\.\d{3} \(pipeline\) against [01]\.\d{3} \(seed-only\), sign test p = [01]\.\d{3}\r?\n", stdout);
    }

    [Fact]
    public void Run_Off_IsNotCheckedAndSaysSoInRunJsonAndTheReport()
    {
        string output = Path.Combine(_dir, "off");

        (int code, string stdout, string error) = CliRunner.Run("run", "--out", output, "--in-process", "--end-model-choice", "off");

        Assert.True(code == 0, error);
        Assert.Contains("Shipped      the pipeline's end model, not checked against the seed-only model (EndModelChoice is Off)" + Environment.NewLine, stdout, StringComparison.Ordinal);
        using JsonDocument runJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json")));
        JsonElement choice = runJson.RootElement.GetProperty("endModelChoice");
        Assert.False(choice.GetProperty("checked").GetBoolean());
        Assert.Equal("pipeline", choice.GetProperty("shipped").GetString());
        Assert.Equal("not checked against the seed-only model (EndModelChoice is Off)", choice.GetProperty("reason").GetString());
        Assert.Contains(
            "- **Model shipped**: the pipeline's end model, not checked against the seed-only model (EndModelChoice is Off)",
            File.ReadAllText(Path.Combine(output, "report.md")),
            StringComparison.Ordinal);
    }
}
