namespace Alchemist.Cli.Tests;

/// <summary><c>alchemist run --end-model-sample N|all</c>: the end model trained on a seeded sample of the weakly labeled items.</summary>
public sealed class EndModelSampleOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("many")]
    public void Run_BadSampleSize_ExitsTwoSayingWhatToGive(string value)
    {
        (int code, _, string error) = CliRunner.Run("run", "--out", Path.Combine(_dir, "bad"), "--end-model-sample", value);

        Assert.Equal(2, code);
        Assert.Equal($"error: --end-model-sample is '{value}'; give a number of items (at least 1), or 'all' to train the end model on every covered item.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [Fact]
    public void Run_SmallSample_WritesTheSameLabelsTwiceAndDiffersFromAll()
    {
        string data = CliRunner.SmallYouTube(_dir);

        string first = Labels(data, "first", "50");
        string again = Labels(data, "again", "50");
        string all = Labels(data, "all", "all");

        Assert.Equal(first, again);
        Assert.NotEqual(first, all);
        Assert.Equal(300, first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private string Labels(string data, string name, string sample)
    {
        string output = Path.Combine(_dir, name);
        (int code, _, string error) = CliRunner.Run("run", "--data", data, "--out", output, "--in-process", "--end-model-sample", sample);
        Assert.True(code == 0, error);
        return File.ReadAllText(Path.Combine(output, "labels.jsonl"));
    }
}
