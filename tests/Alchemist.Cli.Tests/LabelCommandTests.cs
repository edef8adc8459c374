using System.Text.Json;

namespace Alchemist.Cli.Tests;

public sealed class LabelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-label-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Label_CsvToStandardOutput_OneLinePerItemWithTheModelsProbabilities()
    {
        string model = await SaveToyModelAsync();
        string input = Path.Combine(_dir, "items.csv");
        File.WriteAllText(input, "key,body\nm1,win a free prize\nm2,lunch at home?\n");

        (int code, string output, string error) = CliRunner.Run("label", "--model", model, "--input", input, "--text-field", "body", "--id-field", "key");

        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        Assert.Equal("m1", first.RootElement.GetProperty("id").GetString());
        Assert.Equal(1, first.RootElement.GetProperty("label").GetInt32());
        Assert.Equal(2, first.RootElement.GetProperty("probabilities").GetArrayLength());
        using JsonDocument second = JsonDocument.Parse(lines[1]);
        Assert.Equal(0, second.RootElement.GetProperty("label").GetInt32());
    }

    [Fact]
    public void Label_MissingModel_ExplainsWhereOneComesFrom()
    {
        (int code, _, string error) = CliRunner.Run("label", "--model", Path.Combine(_dir, "none.bin"), "--input", Path.Combine(_dir, "x.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("'alchemist run' writes one as end-model.bin", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_NotAModelFile_SaysWhatIsWrong()
    {
        string notModel = Path.Combine(_dir, "report.md");
        File.WriteAllText(notModel, "# not a model");

        (int code, _, string error) = CliRunner.Run("label", "--model", notModel, "--input", Path.Combine(_dir, "x.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("does not start with 'ALCHEMLR'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Label_UnknownInputFormat_NamesTheFormats()
    {
        string model = await SaveToyModelAsync();
        string input = Path.Combine(_dir, "items.txt");
        File.WriteAllText(input, "hello\n");

        (int code, _, string error) = CliRunner.Run("label", "--model", model, "--input", input);

        Assert.Equal(2, code);
        Assert.Contains("neither .csv nor .jsonl", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Label_BadRecord_NamesTheFileAndLine()
    {
        string model = await SaveToyModelAsync();
        string input = Path.Combine(_dir, "items.jsonl");
        File.WriteAllText(input, "{\"id\":\"a\",\"text\":\"free prize\"}\n{\"id\":\"b\"}\n");

        (int code, _, string error) = CliRunner.Run("label", "--model", model, "--input", input, "--out", Path.Combine(_dir, "out.jsonl"));

        Assert.Equal(2, code);
        Assert.Contains("items.jsonl", error, StringComparison.Ordinal);
        Assert.Contains("text", error, StringComparison.Ordinal);
    }

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
