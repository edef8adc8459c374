using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Distillation;

public class TrainedLogisticRegressionTests
{
    [Theory]
    [InlineData(60)]
    [InlineData(1_000)]
    public async Task PredictProbabilitiesAsync_AwkwardAndDatasetTexts_EqualTheTransformedRowsScoresBitForBit(int trainCount)
    {
        // Trained on a few texts, as the seed-model voter is, so most n-grams of the predicted texts are unknown; or on
        // many, as the final model is, so that it knows most of them and rows repeat many of their keys.
        WrenchSplit youtube = TestData.Load("youtube").Train;
        string[] trainTexts = [.. youtube.Texts.Take(trainCount).Select(t => t ?? string.Empty)];
        int[] trainLabels = [.. youtube.GoldLabels.Take(trainCount)];
        var endModel = LogisticRegressionEndModel.ForText();
        var trained = (TrainedLogisticRegression<string>)await endModel.TrainAsync(EndModelTrainingSet.FromLabels(trainTexts, trainLabels, classCount: 2));
        string?[] texts = [.. HashedTextFeaturizerTests.AwkwardTextList, .. youtube.Texts.Skip(trainCount - 60).Take(300)];
        string[] items = [.. texts.Select(t => t ?? string.Empty)];

        ClassProbabilities predicted = await trained.PredictProbabilitiesAsync(items);

        var featurizer = new HashedTextFeaturizer(trained.Options);
        var scratch = new HashedTextFeaturizer.Scratch();
        var expected = new double[2];
        for (int i = 0; i < items.Length; i++)
        {
            // The path before known-column featurization: every bucket counted, then the unknown ones dropped.
            int raw = featurizer.FeaturizeRow(items[i], scratch);
            int length = trained.Space.TransformRow(scratch.Buckets.AsSpan(0, raw), scratch.Counts.AsSpan(0, raw));
            LinearScores.Score(scratch.Buckets.AsSpan(0, length), scratch.Counts.AsSpan(0, length), [], trained.Space.HashedCount, trained.Weights, trained.Intercepts, expected);
            LinearScores.Softmax(expected);
            Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), predicted.GetRow(i).ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
    }
}
