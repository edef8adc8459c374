using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Distillation;

public class LogisticRegressionEndModelTests
{
    [Fact]
    public async Task TrainAsync_SeparableTexts_PredictsTheirClasses()
    {
        string[] texts = ["free prize call now", "win cash prize now", "see you at lunch", "lunch at noon then home", "call now to win", "home for lunch"];
        int[] labels = [1, 1, 0, 0, 1, 0];
        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(EndModelTrainingSet.FromLabels(texts, labels, 2));

        int[] predicted = await model.PredictAsync(["claim your cash prize now", "lunch at home"]);

        Assert.Equal([1, 0], predicted);
        Assert.Equal(6, model.TrainingReport.ItemCount);
        Assert.True(model.TrainingReport.Converged);
        Assert.Equal(LogisticRegressionEndModel<string>.ModelName, model.TrainingReport.ModelName);
    }

    [Fact]
    public async Task PredictProbabilitiesAsync_AnyTexts_ReturnsDistributions()
    {
        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(EndModelTrainingSet.FromLabels(["a b", "c d", "e f"], [0, 1, 2], 3));

        ClassProbabilities probabilities = await model.PredictProbabilitiesAsync(["a", "", "zzz", "c d e"]);

        Assert.Equal(4, probabilities.ItemCount);
        for (int i = 0; i < probabilities.ItemCount; i++)
        {
            Assert.Equal(1.0, probabilities.GetRow(i).ToArray().Sum(), precision: 9);
        }
    }

    [Fact]
    public async Task TrainAsync_SoftTargets_LearnsTheTargetProbability()
    {
        // Ten copies of one text with target (0.7, 0.3): with a tiny penalty and no class weighting the model must
        // predict (0.7, 0.3), which a hard-label learner cannot.
        string[] texts = [.. Enumerable.Repeat("the same text", 10)];
        var targets = new ClassProbabilities(10, 2, [.. Enumerable.Repeat(new[] { 0.7, 0.3 }, 10).SelectMany(x => x)]);
        var options = new LogisticRegressionEndModelOptions { L2 = 1e-4, ClassWeighting = EndModelClassWeighting.None, Tolerance = 1e-12 };

        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText(options).TrainAsync(EndModelTrainingSet.FromSoftLabels(texts, targets));
        ClassProbabilities predicted = await model.PredictProbabilitiesAsync(["the same text"]);

        Assert.Equal(0.7, predicted.GetRow(0)[0], precision: 2);
    }

    [Fact]
    public async Task TrainAsync_ZeroWeightItems_AreIgnored()
    {
        var targets = new ClassProbabilities(3, 2, [1, 0, 0, 1, 1, 0]);
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromSoftLabels(["alpha", "beta", "beta"], targets, [1.0, 1.0, 0.0]);

        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(set);

        Assert.Equal(2, model.TrainingReport.ItemCount);
        int[] predicted = await model.PredictAsync(["alpha", "beta"]);
        Assert.Equal(new[] { 0, 1 }, predicted);
    }

    [Fact]
    public async Task TrainAsync_SameDataAnyParallelism_GivesTheSameModelBitForBit()
    {
        WrenchDataset sms = TestData.Load("sms");
        // 2500 items: more than one gradient block and more than one featurization block, so threads could matter.
        string[] texts = [.. sms.Train.Texts.Take(2500).Select(t => t!)];
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels(texts, [.. sms.Train.GoldLabels.Take(2500)], 2);
        string[] probe = [.. sms.Test!.Texts.Take(200).Select(t => t!)];

        double[] first = await Train(new LogisticRegressionEndModelOptions { MaxIterations = 8 });
        double[] second = await Train(new LogisticRegressionEndModelOptions { MaxIterations = 8 });
        double[] sequential = await Train(new LogisticRegressionEndModelOptions { MaxIterations = 8, MaxDegreeOfParallelism = 1 });

        Assert.Equal(first, second);
        Assert.Equal(first, sequential);

        async Task<double[]> Train(LogisticRegressionEndModelOptions options)
        {
            ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText(options).TrainAsync(set);
            return (await model.PredictProbabilitiesAsync(probe)).AsSpan().ToArray();
        }
    }

    [Fact]
    public async Task TrainAsync_YouTubeDevSplitAlone_ScoresWellOnTest()
    {
        // The seed-only baseline of docs/distillation.md: trained on the 120 dev items, scored on the test split.
        WrenchDataset youtube = TestData.Load("youtube");
        EndModelTrainingSet<string> seeds = EndModelTrainingSet.FromLabels([.. youtube.Valid!.Texts.Select(t => t!)], youtube.Valid.GoldLabels, 2);

        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(seeds);
        int[] predicted = await model.PredictAsync([.. youtube.Test!.Texts.Select(t => t!)]);

        Assert.InRange(ClassificationMetrics.Accuracy(youtube.Test.GoldLabels, predicted), 0.92, 1.0);
    }

    [Fact]
    public async Task TrainAsync_WithEmbeddingGenerator_LearnsWhatOnlyTheEmbeddingsCarry()
    {
        // The class is the parity of the number; digits all read as 0 in the hashed features, so only the embedding
        // (even, odd, 1) can tell unseen numbers apart.
        string[] train = [.. Enumerable.Range(0, 60).Select(n => $"item {n}")];
        int[] labels = [.. Enumerable.Range(0, 60).Select(n => n % 2)];
        string[] unseen = [.. Enumerable.Range(100, 40).Select(n => $"item {n}")];
        int[] unseenLabels = [.. Enumerable.Range(100, 40).Select(n => n % 2)];
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels(train, labels, 2);
        using var embeddings = new FakeEmbeddingGenerator();
        var options = new LogisticRegressionEndModelOptions { EmbeddingBatchSize = 16 };

        ITrainedEndModel<string> withEmbeddings = await LogisticRegressionEndModel.ForText(options, embeddings).TrainAsync(set);
        ITrainedEndModel<string> hashedOnly = await LogisticRegressionEndModel.ForText(options).TrainAsync(set);

        Assert.Equal(1.0, ClassificationMetrics.Accuracy(unseenLabels, await withEmbeddings.PredictAsync(unseen)));
        Assert.InRange(ClassificationMetrics.Accuracy(unseenLabels, await hashedOnly.PredictAsync(unseen)), 0.0, 0.6);
        Assert.Equal(100, embeddings.TextsEmbedded);
        Assert.Equal(4 + 3, embeddings.Calls);
    }

    [Fact]
    public async Task TrainAsync_EmbeddingsAlone_UsesOnlyTheEmbeddingDimensions()
    {
        using var embeddings = new FakeEmbeddingGenerator();
        var options = new LogisticRegressionEndModelOptions { KeepHashedFeaturesWithEmbeddings = false };

        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText(options, embeddings).TrainAsync(EndModelTrainingSet.FromLabels(["a 1", "b 2", "c 3", "d 4"], [1, 0, 1, 0], 2));

        Assert.Equal(3, model.TrainingReport.FeatureCount);
        int[] predicted = await model.PredictAsync(["z 10", "y 11"]);
        Assert.Equal(new[] { 0, 1 }, predicted);
    }

    [Fact]
    public async Task TrainAsync_RecordItems_ReadsTheSelectedText()
    {
        var model = new LogisticRegressionEndModel<Message>(m => m.Body);
        Message[] items = [new("free prize now"), new("see you at lunch"), new("win a free prize"), new("lunch at home")];

        ITrainedEndModel<Message> trained = await model.TrainAsync(EndModelTrainingSet.FromLabels(items, [1, 0, 1, 0], 2));

        int[] predicted = await trained.PredictAsync([new Message("a free prize"), new Message(null)]);
        Assert.Equal(new[] { 1, 0 }, predicted);
    }

    [Fact]
    public async Task TrainAsync_NoItemWithWeight_Throws()
    {
        var targets = new ClassProbabilities(1, 2, [1, 0]);

        await Assert.ThrowsAsync<ArgumentException>("trainingSet", async () => await LogisticRegressionEndModel.ForText().TrainAsync(EndModelTrainingSet.FromSoftLabels(["a"], targets, [0.0])));
    }

    [Fact]
    public async Task TrainAsync_NullTrainingSet_Throws() =>
        await Assert.ThrowsAsync<ArgumentNullException>("trainingSet", async () => await LogisticRegressionEndModel.ForText().TrainAsync(null!));

    [Fact]
    public void Ctor_InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentNullException>("textSelector", () => new LogisticRegressionEndModel<string>(null!));
        OptionsAssert.Rejects(() => LogisticRegressionEndModel.ForText(new LogisticRegressionEndModelOptions { L2 = 0 }), "L2");
        OptionsAssert.Rejects(() => LogisticRegressionEndModel.ForText(new LogisticRegressionEndModelOptions { HashBits = 30 }), "HashBits");
        OptionsAssert.Rejects(() => LogisticRegressionEndModel.ForText(new LogisticRegressionEndModelOptions { CharNgramMin = 4, CharNgramMax = 3 }), "The CharNgram range 4..3");
        OptionsAssert.Rejects(() => LogisticRegressionEndModel.ForText(new LogisticRegressionEndModelOptions { CharNgramMin = 0, CharNgramMax = 0, WordNgramMin = 0, WordNgramMax = 0 }), "keep at least one kind of text feature");
    }

    [Fact]
    public async Task PredictAsync_NullItems_Throws()
    {
        ITrainedEndModel<string> model = await LogisticRegressionEndModel.ForText().TrainAsync(EndModelTrainingSet.FromLabels(["a", "b"], [0, 1], 2));

        await Assert.ThrowsAsync<ArgumentNullException>("items", async () => await model.PredictAsync(null!));
    }

    private sealed record Message(string? Body);
}
