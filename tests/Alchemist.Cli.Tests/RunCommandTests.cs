using System.Text.Json;

namespace Alchemist.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_Defaults_WritesEveryOutputAndPrintsTheContractJson()
    {
        string output = Path.Combine(_dir, "out");
        JsonElement json = CliRunner.RunJsonAsGiven("run", "--out", output, "--json");

        Assert.Equal("youtube", json.GetProperty("dataset").GetString());
        int kept = json.GetProperty("programs").GetProperty("kept").GetInt32();
        Assert.True(kept > 0);
        Assert.True(json.GetProperty("programs").GetProperty("dropped").GetInt32() >= 0);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("labelModel").GetString()));
        foreach (string key in new[] { "labelModelTest", "endModelTest", "seedOnlyTest" })
        {
            Assert.InRange(json.GetProperty(key).GetProperty("accuracy").GetDouble(), 0.5, 1.0);
            Assert.Equal(JsonValueKind.Number, json.GetProperty(key).GetProperty("f1").ValueKind);
        }

        Assert.InRange(json.GetProperty("coverage").GetDouble(), 0.0, 1.0);
        Assert.Equal(0, json.GetProperty("cost").GetProperty("synthesisUsd").GetDouble());
        Assert.True(json.GetProperty("cost").GetProperty("directLabelingUsdEstimate").GetDouble() > 0);
        Assert.True(json.GetProperty("seconds").GetDouble() > 0);

        // The offline synthesizer is local, so the default (--end-model-choice auto) checked the end model against the
        // seed-only model by re-running the pipeline per fold of the 120 seed items.
        JsonElement choice = json.GetProperty("endModelChoice");
        Assert.True(choice.GetProperty("checked").GetBoolean());
        Assert.Equal(5, choice.GetProperty("folds").GetInt32());
        Assert.Equal(120, choice.GetProperty("seedItems").GetInt32());
        Assert.Contains(choice.GetProperty("shipped").GetString(), new[] { "pipeline", "seed-only" });

        string[] labels = File.ReadAllLines(Path.Combine(output, "labels.jsonl"));
        Assert.Equal(1686, labels.Length);
        using (JsonDocument first = JsonDocument.Parse(labels[0]))
        {
            Assert.Equal("0", first.RootElement.GetProperty("id").GetString());
            Assert.InRange(first.RootElement.GetProperty("label").GetInt32(), 0, 1);
            Assert.Equal(2, first.RootElement.GetProperty("probabilities").GetArrayLength());
        }

        Assert.Equal(kept, Directory.GetFiles(Path.Combine(output, "programs"), "*.cs").Length);
        Assert.True(File.Exists(Path.Combine(output, "programs", "library.json")));
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.StartsWith("# Alchemist run: youtube", report, StringComparison.Ordinal);
        Assert.Matches(@"\n(The default )?'[a-z+-]+' (led the default 'weighted-majority' by|was kept:|had the best)", report);
        string html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Matches(@"<p>(The default )?&#39;[a-z+-]+&#39; (led the default|was kept:|had the best)", html);
        using JsonDocument runJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json")));
        Assert.Equal(kept, runJson.RootElement.GetProperty("programs").GetProperty("kept").GetInt32());

        // The saved end model labels items in another command, with the run's own probabilities.
        Assert.True(File.Exists(Path.Combine(output, "end-model.bin")));
        WrenchDataset youtube = Alchemist.Tests.Shared.TestData.Load("youtube");
        string input = Path.Combine(_dir, "items.jsonl");
        File.WriteAllLines(input, Enumerable.Range(0, 100).Select(i => JsonSerializer.Serialize(new { id = youtube.Train.Ids[i], text = youtube.Train.Texts[i] })));
        string labeled = Path.Combine(_dir, "labeled.jsonl");
        (int labelCode, _, string labelError) = CliRunner.Run("label", "--model", Path.Combine(output, "end-model.bin"), "--input", input, "--out", labeled);
        Assert.True(labelCode == 0, labelError);
        Assert.Equal(labels.Take(100), File.ReadAllLines(labeled));

        // Re-running the stored library calls no synthesizer and gives the same labels.
        string again = Path.Combine(_dir, "again");
        (int code, _, string error) = CliRunner.Run("run", "--library", Path.Combine(output, "programs"), "--out", again, "--json");
        Assert.True(code == 0, error);
        Assert.Equal(labels, File.ReadAllLines(Path.Combine(again, "labels.jsonl")));
    }

    [Fact]
    public void Run_Redirected_PrintsPlainProgressLinesOnStderr()
    {
        (int code, string output, string error) = CliRunner.Run("run", "--out", Path.Combine(_dir, "plain"), "--seed-labels", "40", "--programs", "4", "--in-process");
        Assert.Equal(0, code);
        Assert.Contains("[synthesize] Synthesizing programs", error, StringComparison.Ordinal);
        Assert.Contains("[distill]", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', error);
        Assert.Contains("Dataset      youtube: 1,686 items, 40 seed labels, 2 classes", output, StringComparison.Ordinal);
        Assert.Contains("seed-only baseline", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--programs", "0")]
    [InlineData("--seed-labels", "0")]
    [InlineData("--label-model", "nope")]
    [InlineData("--metric", "auc")]
    [InlineData("--llm", "bogus:x")]
    [InlineData("--library", "/no/such/library")]
    public void Run_BadArguments_ExitTwo(string option, string value)
    {
        (int code, _, string error) = CliRunner.Run("run", "--out", Path.Combine(_dir, "bad"), option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OutIsAFile_ExitsTwo()
    {
        string file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        (int code, _, string error) = CliRunner.Run("run", "--out", file);
        Assert.Equal(2, code);
        Assert.Contains("is a file", error, StringComparison.Ordinal);
    }
}
