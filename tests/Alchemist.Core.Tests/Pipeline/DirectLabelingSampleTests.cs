namespace Alchemist.Tests.Pipeline;

/// <summary>The direct-labeling estimate counted on a seeded sample of the items and scaled to all of them.</summary>
public class DirectLabelingSampleTests
{
    private static readonly LabelingTask Task = new("spam", "Is a comment spam?", ["ham", "spam"]);
    private static readonly ModelPrice Price = new(0.15m, 0.60m);

    [Fact]
    public void EstimateFromSample_NoMoreItemsThanTheSample_IsTheExactEstimate()
    {
        string[] items = [.. Enumerable.Range(0, 50).Select(Text)];
        var estimator = new DirectLabelingCostEstimator();

        Assert.Equal(
            estimator.Estimate(Task, items, i => i, "gpt-4o-mini", Price),
            estimator.EstimateFromSample(Task, items, sampleSize: 50, seed: 0, i => i, "gpt-4o-mini", Price, CancellationToken.None));
    }

    [Fact]
    public void EstimateFromSample_ManyItems_CountsEveryItemAndScalesTheSampledTokensCloseToTheExactCount()
    {
        string[] items = [.. Enumerable.Range(0, 5_000).Select(Text)];
        var estimator = new DirectLabelingCostEstimator();
        DirectLabelingEstimate exact = estimator.Estimate(Task, items, i => i, "gpt-4o-mini", Price);

        DirectLabelingEstimate sampled = estimator.EstimateFromSample(Task, items, sampleSize: 500, seed: 0, i => i, "gpt-4o-mini", Price, CancellationToken.None);

        Assert.Equal(5_000, sampled.Items);
        Assert.Equal(exact.OutputTokens, sampled.OutputTokens);
        Assert.InRange(sampled.InputTokens, exact.InputTokens * 0.98, exact.InputTokens * 1.02);
        Assert.Equal(Price.CostOf(sampled.InputTokens, sampled.OutputTokens), sampled.CostUsd);
        Assert.Equal(sampled, estimator.EstimateFromSample(Task, items, sampleSize: 500, seed: 0, i => i, "gpt-4o-mini", Price, CancellationToken.None));
    }

    private static string Text(int i) => i % 3 == 0 ? $"Check out my channel {i} http://x.y" : i % 3 == 1 ? $"I love this song, {i} times" : $"comment number {i}, subscribe please and share with friends";
}
