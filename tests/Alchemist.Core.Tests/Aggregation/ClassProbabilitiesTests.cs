namespace Alchemist.Tests.Aggregation;

public class ClassProbabilitiesTests
{
    [Fact]
    public void Ctor_RowNotADistribution_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("values", () => new ClassProbabilities(1, 2, [0.5, 0.6]));
        Assert.StartsWith("Row 0 sums to 1.1; each row must sum to 1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_NaN_Throws() =>
        Assert.Throws<ArgumentException>("values", () => new ClassProbabilities(1, 2, [double.NaN, 1]));

    [Fact]
    public void Predict_NearTies_WithinToleranceAreTies()
    {
        var p = new ClassProbabilities(2, 2, [0.5 + 1e-7, 0.5 - 1e-7, 0.6, 0.4]);
        Assert.Equal([Label.Abstain, 0], p.Predict());
    }

    [Fact]
    public void Predict_SameSeed_SameChoices()
    {
        double[] values = [.. Enumerable.Repeat(0.5, 200)];
        var p = new ClassProbabilities(100, 2, values);
        Assert.Equal(p.Predict(TieBreak.Random(5)), p.Predict(TieBreak.Random(5)));
        Assert.NotEqual(p.Predict(TieBreak.Random(5)), p.Predict(TieBreak.Random(6)));
    }

    [Fact]
    public void Predict_PriorOfWrongLength_Throws() =>
        Assert.Throws<ArgumentException>("classPrior", () => new ClassProbabilities(1, 2, [0.5, 0.5]).Predict(TieBreak.ClassPrior, [1.0]));
}
