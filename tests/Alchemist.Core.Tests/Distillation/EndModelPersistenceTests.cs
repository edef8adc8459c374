using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Distillation;

public class EndModelPersistenceTests
{
    private static readonly Lazy<Task<(ITrainedEndModel<string> Model, string[] Test)>> YouTube = new(async () =>
    {
        WrenchDataset youtube = TestData.Load("youtube");
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels([.. youtube.Valid!.Texts.Select(t => t!)], youtube.Valid.GoldLabels, 2);
        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(set);
        return (model, [.. youtube.Test!.Texts.Select(t => t!)]);
    });

    [Fact]
    public async Task SaveAndLoad_PredictsExactlyAsTheSavedModel()
    {
        (ITrainedEndModel<string> model, string[] test) = await YouTube.Value;
        using var file = new MemoryStream();

        await LogisticRegressionEndModel.ForText().SaveAsync(model, file);
        file.Position = 0;
        ITrainedEndModel<string> loaded = await LogisticRegressionEndModel.ForText().LoadAsync(file);

        Assert.Equal((await model.PredictProbabilitiesAsync(test)).AsSpan().ToArray(), (await loaded.PredictProbabilitiesAsync(test)).AsSpan().ToArray());
        Assert.Equal(model.ClassCount, loaded.ClassCount);
        Assert.Equal(model.TrainingReport with { Elapsed = default }, loaded.TrainingReport with { Elapsed = default });
        Assert.Equal(model.TrainingReport.Elapsed, loaded.TrainingReport.Elapsed);
    }

    [Fact]
    public async Task Load_FeaturizationComesFromTheFileNotTheLoader()
    {
        // A model trained on word unigrams only is loaded by an instance configured for other n-grams and hash bits.
        var options = new LogisticRegressionEndModelOptions { WordNgramMax = 1, CharNgramMin = 0, CharNgramMax = 0, HashBits = 16, NormalizeDigits = false };
        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText(options).TrainAsync(EndModelTrainingSet.FromLabels(["free prize 1", "lunch at 2", "win prize 3", "home at 4"], [1, 0, 1, 0], 2));
        using var file = new MemoryStream();
        await LogisticRegressionEndModel.ForText(options).SaveAsync(model, file);
        file.Position = 0;

        ITrainedEndModel<string> loaded = await LogisticRegressionEndModel.ForText(new LogisticRegressionEndModelOptions { MaxDegreeOfParallelism = 1 }).LoadAsync(file);

        string[] texts = ["free lunch", "prize at home", "win 5"];
        Assert.Equal((await model.PredictProbabilitiesAsync(texts)).AsSpan().ToArray(), (await loaded.PredictProbabilitiesAsync(texts)).AsSpan().ToArray());
    }

    [Fact]
    public async Task Load_RecordItems_ReadsTextWithTheLoadersSelector()
    {
        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(EndModelTrainingSet.FromLabels(["free prize now", "see you at lunch", "win a free prize", "lunch at home"], [1, 0, 1, 0], 2));
        using var file = new MemoryStream();
        await LogisticRegressionEndModel.ForText().SaveAsync(model, file);
        file.Position = 0;

        ITrainedEndModel<Message> loaded = await new LogisticRegressionEndModel<Message>(m => m.Body).LoadAsync(file);

        Assert.Equal(await model.PredictAsync(["a free prize", "lunch?"]), await loaded.PredictAsync([new Message("a free prize"), new Message("lunch?")]));
    }

    [Fact]
    public async Task Load_WithEmbeddings_NeedsTheGeneratorAndThenPredictsTheSame()
    {
        using var embeddings = new FakeEmbeddingGenerator();
        LogisticRegressionEndModel<string> withEmbeddings = LogisticRegressionEndModel.ForText(embeddingGenerator: embeddings);
        ITrainedEndModel<string> model = await withEmbeddings.TrainAsync(EndModelTrainingSet.FromLabels([.. Enumerable.Range(0, 20).Select(n => $"item {n}")], [.. Enumerable.Range(0, 20).Select(n => n % 2)], 2));
        using var file = new MemoryStream();
        await withEmbeddings.SaveAsync(model, file);

        file.Position = 0;
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LogisticRegressionEndModel.ForText().LoadAsync(file));
        Assert.Contains("3-dimensional embedding features", ex.Message, StringComparison.Ordinal);

        file.Position = 0;
        ITrainedEndModel<string> loaded = await withEmbeddings.LoadAsync(file);
        string[] unseen = ["item 101", "item 102"];
        Assert.Equal((await model.PredictProbabilitiesAsync(unseen)).AsSpan().ToArray(), (await loaded.PredictProbabilitiesAsync(unseen)).AsSpan().ToArray());
    }

    [Fact]
    public async Task Load_ChangedByte_RefusesWithAChecksumError()
    {
        byte[] bytes = await SavedBytesAsync();
        bytes[bytes.Length / 2] ^= 0x01;

        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => LogisticRegressionEndModel.ForText().LoadAsync(new MemoryStream(bytes)));
        Assert.Contains("SHA-256 does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_CutShort_Refuses()
    {
        byte[] bytes = await SavedBytesAsync();

        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => LogisticRegressionEndModel.ForText().LoadAsync(new MemoryStream(bytes[..(bytes.Length - 100)])));
        Assert.Contains("cut short or was changed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_NotAModel_SaysWhatItExpected()
    {
        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => LogisticRegressionEndModel.ForText().LoadAsync(new MemoryStream("{\"json\": true}"u8.ToArray())));
        Assert.Contains("does not start with 'ALCHEMLR'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_OtherVersion_NamesBoth()
    {
        byte[] bytes = await SavedBytesAsync();
        BitConverter.GetBytes(99).CopyTo(bytes, 8);

        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => LogisticRegressionEndModel.ForText().LoadAsync(new MemoryStream(bytes)));
        Assert.Equal("The model file is format version 99; this library reads version 1.", ex.Message);
    }

    [Fact]
    public async Task Save_ModelOfAnotherKind_Throws()
    {
        ArgumentException ex = await Assert.ThrowsAsync<ArgumentException>("model", () => LogisticRegressionEndModel.ForText().SaveAsync(new OtherModel(), new MemoryStream()));
        Assert.Contains("OtherModel", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAndLoad_Null_Throws()
    {
        LogisticRegressionEndModel<string> endModel = LogisticRegressionEndModel.ForText();
        await Assert.ThrowsAsync<ArgumentNullException>("model", () => endModel.SaveAsync(null!, new MemoryStream()));
        await Assert.ThrowsAsync<ArgumentNullException>("destination", () => endModel.SaveAsync(new OtherModel(), null!));
        await Assert.ThrowsAsync<ArgumentNullException>("source", () => endModel.LoadAsync(null!));
    }

    private static async Task<byte[]> SavedBytesAsync()
    {
        using var file = new MemoryStream();
        await LogisticRegressionEndModel.ForText().SaveAsync((await YouTube.Value).Model, file);
        return file.ToArray();
    }

    public sealed record Message(string Body);

    private sealed class OtherModel : ITrainedEndModel<string>
    {
        public int ClassCount => 2;

        public EndModelTrainingReport TrainingReport { get; } = new() { ModelName = "other", ItemCount = 0, FeatureCount = 0 };

        public ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<string> items, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
