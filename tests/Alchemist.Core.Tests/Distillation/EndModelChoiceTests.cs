namespace Alchemist.Tests.Distillation;

/// <summary>The rules of the final choice between the pipeline's end model and the seed-only model, on given cross-validation figures.</summary>
public class EndModelChoiceTests
{
    [Fact]
    public void ChoosesSeedOnly_Tie_ShipsThePipeline()
    {
        var choice = new EndModelChoice(5, 20, "accuracy", 0.8, 0.8, 2, 2);

        Assert.False(choice.ChoosesSeedOnly(EndModelChoiceRule.HigherScore));
        Assert.False(choice.ChoosesSeedOnly(EndModelChoiceRule.SignTest));
        Assert.False(choice.ChoosesSeedOnly(EndModelChoiceRule.Off));
    }

    [Fact]
    public void ChoosesSeedOnly_HigherScoreByOneItem_HigherScoreSwitchesAndTheSignTestDoesNot()
    {
        var choice = new EndModelChoice(5, 20, "accuracy", 0.80, 0.85, 1, 0);

        Assert.True(choice.ChoosesSeedOnly(EndModelChoiceRule.HigherScore));
        Assert.Equal(0.5, choice.SignTestPValue, precision: 12);
        Assert.False(choice.ChoosesSeedOnly(EndModelChoiceRule.SignTest));
    }

    [Theory]
    [InlineData(4, 0, 1.0 / 16, false)]
    [InlineData(5, 0, 1.0 / 32, true)]
    [InlineData(6, 1, 8.0 / 128, false)]
    [InlineData(7, 1, 9.0 / 256, true)]
    public void SignTestPValue_IsTheOneSidedBinomialTail(int seedOnlyAlone, int pipelineAlone, double expected, bool switches)
    {
        var choice = new EndModelChoice(5, 100, "accuracy", 0.80, 0.86, seedOnlyAlone, pipelineAlone) { Rule = EndModelChoiceRule.SignTest };

        Assert.Equal(expected, choice.SignTestPValue, precision: 12);
        Assert.Equal(switches, choice.SeedOnlyShipped);
    }

    [Fact]
    public void SignTest_HigherScoreRequiredToo()
    {
        // F1 can fall while more items are right: the sign test alone does not switch.
        var choice = new EndModelChoice(5, 100, "F1 of class 1", 0.80, 0.79, 6, 0);

        Assert.False(choice.ChoosesSeedOnly(EndModelChoiceRule.SignTest));
    }

    [Fact]
    public void Sentence_SaysWhichModelShippedAndTheScores()
    {
        var choice = new EndModelChoice(5, 20, "accuracy", 0.75, 0.90, 3, 0) { Rule = EndModelChoiceRule.HigherScore };

        Assert.Equal(
            "the seed-only model shipped: 5-fold cross-validation over the 20 seed items gave accuracy 0.750 (pipeline) against 0.900 (seed-only); 3 items right by the seed-only model alone, 0 by the pipeline's alone (sign test p = 0.125; rule HigherScore)",
            choice.ToString());
    }

    [Fact]
    public void ToString_OfTheNestedCheck_SaysThePipelineWasReRunAndNamesNoRule()
    {
        var choice = new EndModelChoice(5, 20, "accuracy", 0.90, 0.75, 0, 3) { Rule = EndModelChoiceRule.NestedSignTest };

        Assert.False(choice.SeedOnlyShipped);
        Assert.Equal(
            "the pipeline's end model shipped: 5-fold cross-validation over the 20 seed items (the whole pipeline re-run per fold without the fold's seed items) gave accuracy 0.900 (pipeline) against 0.750 (seed-only); 0 items right by the seed-only model alone, 3 by the pipeline's alone (sign test p = 1.000)",
            choice.ToString());
    }
}
