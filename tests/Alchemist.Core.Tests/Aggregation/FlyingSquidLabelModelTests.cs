using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class FlyingSquidLabelModelTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Fit_ManyClasses_TripletsRecoverOneCoinAccuracies(int classes)
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 4, items: 60_000, functions: 6, classes);
        LabelModelFitReport report = new FlyingSquidLabelModel().Fit(synthetic.Matrix);

        Assert.Null(report.Iterations);
        for (int j = 0; j < 6; j++)
        {
            Assert.InRange(report.FunctionAccuracies![j], synthetic.Accuracies[j] - 0.03, synthetic.Accuracies[j] + 0.03);
        }
    }

    [Fact]
    public void Fit_FunctionWithoutTriplets_GetsTheMeanAndAWarning()
    {
        // lf3 never votes together with anyone.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 4, items: 20_000, classes: 2, accuracies: [0.9, 0.8, 0.7, 0.9], coverages: [0.6, 0.6, 0.6, 0], classBalance: [0.5, 0.5]);
        LabelModelFitReport report = new FlyingSquidLabelModel().Fit(synthetic.Matrix);

        IReadOnlyList<double> accuracies = report.FunctionAccuracies!;
        Assert.Equal(accuracies.Take(3).Average(), accuracies[3], 12);
        Assert.Contains(report.Warnings, w => w.StartsWith("1 of 4 functions overlap too few others", StringComparison.Ordinal));
    }
}
