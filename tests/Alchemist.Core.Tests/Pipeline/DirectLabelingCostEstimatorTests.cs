using Microsoft.ML.Tokenizers;

namespace Alchemist.Tests.Pipeline;

public class DirectLabelingCostEstimatorTests
{
    private static readonly LabelingTask Task = new("spam", "Is a comment spam?", ["ham", "spam"]);

    [Fact]
    public void Estimate_CountsEachWholePromptWithinASeamTokenPerItem()
    {
        string[] items = ["Check out my channel http://x.y", "I love this song", "subscribe plz", "great video, 10/10"];
        Tokenizer tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");
        long exact = items.Sum(i => (long)tokenizer.CountTokens(DirectLabelingCostEstimator.BuildPrompt(Task, i)));

        DirectLabelingEstimate estimate = new DirectLabelingCostEstimator().Estimate(Task, items, i => i, "gpt-4o-mini", new ModelPrice(0.15m, 0.60m));

        Assert.Equal(4, estimate.Items);
        Assert.InRange(estimate.InputTokens, exact - (2 * items.Length), exact + (2 * items.Length));
        Assert.Equal(4 * tokenizer.CountTokens("spam"), estimate.OutputTokens);
        Assert.Equal(((estimate.InputTokens * 0.15m) + (estimate.OutputTokens * 0.60m)) / 1_000_000m, estimate.CostUsd);
        Assert.Equal("o200k_base", estimate.Tokenizer);
    }

    [Fact]
    public void Estimate_WithoutPrice_HasTokensButNoCost()
    {
        DirectLabelingEstimate estimate = new DirectLabelingCostEstimator().Estimate(Task, ["a"], i => i, "local-model", price: null);
        Assert.Null(estimate.CostUsd);
        Assert.True(estimate.InputTokens > 10);
    }

    [Fact]
    public void BuildPrompt_NamesTheTaskClassesAndItem()
    {
        string prompt = DirectLabelingCostEstimator.BuildPrompt(Task, "free iPhone!!!");
        Assert.Contains("Is a comment spam?", prompt, StringComparison.Ordinal);
        Assert.Contains("1: spam", prompt, StringComparison.Ordinal);
        Assert.Contains("free iPhone!!!", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_BlankModel_Throws() =>
        Assert.Throws<ArgumentException>("modelId", () => new DirectLabelingCostEstimator().Estimate(Task, ["a"], i => i, " ", null));
}
