using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Data;

public sealed class WrenchDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alchemist-wrench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("youtube", 1686, 120, 250, 10, 2)]
    [InlineData("sms", 4571, 500, 500, 73, 2)]
    [InlineData("trec", 5033, 500, 500, 68, 6)]
    [InlineData("imdb", 20000, 2500, 2500, 5, 2)]
    public void Load_RepositoryCopies_HaveTheDocumentedShape(string name, int train, int valid, int test, int functions, int classes)
    {
        WrenchDataset dataset = WrenchDataset.Load(TestData.DatasetPath(name));
        Assert.Equal(name, dataset.Name);
        Assert.Equal(train, dataset.Train.Count);
        Assert.Equal(valid, dataset.Valid!.Count);
        Assert.Equal(test, dataset.Test!.Count);
        Assert.Equal(functions, dataset.Train.WeakLabels.FunctionCount);
        Assert.Equal(classes, dataset.Task.ClassCount);
        Assert.Equal(name != "imdb", dataset.Train.HasText);
    }

    [Fact]
    public void Load_YouTube_ReadsClassNamesTextAndVotes()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        Assert.Equal(["HAM", "SPAM"], youtube.Task.ClassNames);
        Assert.StartsWith("YouTube spam classification", youtube.Task.Description, StringComparison.Ordinal);
        Assert.Equal("0", youtube.Train.Ids[0]);
        Assert.Equal(1, youtube.Train.GoldLabels[0]);
        Assert.StartsWith("pls http://www10.vakinha.com.br", youtube.Train.Texts[0], StringComparison.Ordinal);
        Assert.Equal(new sbyte[] { -1, -1, 1, -1, -1, -1, -1, -1, -1, -1 }, youtube.Train.WeakLabels.GetRow(0).ToArray());
    }

    [Fact]
    public void Load_MissingFolder_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => WrenchDataset.Load(Path.Combine(_dir, "nope")));

    [Fact]
    public void Load_MissingTrain_Throws()
    {
        Write("label.json", """{"0": "a", "1": "b"}""");
        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(() => WrenchDataset.Load(_dir));
        Assert.EndsWith("train.json", ex.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OptionalSplitsMissing_AreNull()
    {
        Write("label.json", """{"0": "a", "1": "b"}""");
        Write("train.json", """{"7": {"label": 1, "weak_labels": [1, -1], "data": {"text": "x"}}}""");
        WrenchDataset dataset = WrenchDataset.Load(_dir);
        Assert.Null(dataset.Valid);
        Assert.Null(dataset.Test);
        Assert.Equal("7", dataset.Train.Ids[0]);
    }

    [Fact]
    public void Load_VoteOutOfRange_NamesFileRecordAndField()
    {
        Write("label.json", """{"0": "a", "1": "b"}""");
        Write("train.json", """{"0": {"label": 1, "weak_labels": [1, -1], "data": {}}, "x9": {"label": 0, "weak_labels": [0, 5], "data": {}}}""");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => WrenchDataset.Load(_dir));
        Assert.Equal(Path.Combine(_dir, "train.json"), ex.File);
        Assert.Equal("x9", ex.Record);
        Assert.Equal("weak_labels[1]", ex.Field);
        Assert.EndsWith("record x9, field 'weak_labels[1]': is 5; a vote must be -1 or a class index in 0..1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaggedVotesAcrossSplits_Throws()
    {
        Write("label.json", """{"0": "a", "1": "b"}""");
        Write("train.json", """{"0": {"label": 1, "weak_labels": [1, -1], "data": {}}}""");
        Write("test.json", """{"0": {"label": 1, "weak_labels": [1], "data": {}}}""");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => WrenchDataset.Load(_dir));
        Assert.Equal("weak_labels", ex.Field);
        Assert.Contains("has 1 votes; the records before it have 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadGoldLabel_Throws()
    {
        Write("label.json", """{"0": "a", "1": "b"}""");
        Write("train.json", """{"0": {"label": "spam", "weak_labels": [], "data": {}}}""");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => WrenchDataset.Load(_dir));
        Assert.Equal("label", ex.Field);
    }

    [Fact]
    public void Load_InvalidJson_NamesTheFile()
    {
        Write("label.json", """{"0": "a", "1": "b"}""");
        Write("train.json", "{\"0\": {\"label\": 1,");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => WrenchDataset.Load(_dir));
        Assert.Contains("train.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ClassIndicesWithGap_Throws()
    {
        Write("label.json", """{"0": "a", "2": "b"}""");
        DataFormatException ex = Assert.Throws<DataFormatException>(() => WrenchDataset.Load(_dir));
        Assert.Contains("no gaps", ex.Message, StringComparison.Ordinal);
    }

    private void Write(string file, string content) => File.WriteAllText(Path.Combine(_dir, file), content);
}
