using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class SnorkelLabelModelTests
{
    [Fact]
    public void Fit_ReportsOptimizerIterations()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 5_000, functions: 8, classes: 3).Matrix;
        LabelModelFitReport report = new SnorkelLabelModel().Fit(matrix, new LabelModelFitOptions { ClassBalance = [0.4, 0.3, 0.3] });

        Assert.Equal("snorkel", report.ModelName);
        Assert.True(report.Converged);
        Assert.True(report.Iterations > 0);
        Assert.Equal([0.4, 0.3, 0.3], report.ClassBalance);
    }

    [Fact]
    public void Fit_TooManyFunctionClassPairs_FitsOneAccuracyPerFunctionAndWarns()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 20_000, functions: 60, classes: 20);
        LabelModelFitReport report = new SnorkelLabelModel().Fit(synthetic.Matrix, new LabelModelFitOptions { ClassBalance = [.. Enumerable.Repeat(0.05, 20)] });

        Assert.Contains(report.Warnings, w => w.StartsWith("60 functions x 20 classes are too many for the full matrix-completion model", StringComparison.Ordinal));
        for (int j = 0; j < 60; j++)
        {
            Assert.InRange(report.FunctionAccuracies![j], synthetic.Accuracies[j] - 0.05, synthetic.Accuracies[j] + 0.05);
        }
    }

    [Fact]
    public void Fit_NoBalanceAndNoDistinctRows_AssumesUniformAndWarns()
    {
        LabelStatistics stats = LabelStatistics.Compute(LabelMatrixGenerator.Create(3, 2_000, 5, 2).Matrix, new LabelStatisticsOptions { IncludeDistinctRows = false });
        LabelModelFitReport report = new SnorkelLabelModel().Fit(stats);

        Assert.Equal([0.5, 0.5], report.ClassBalance);
        Assert.Contains("No class balance was given and the statistics hold no distinct rows to estimate it from; the Snorkel model assumed a uniform balance.", report.Warnings);
    }

    [Fact]
    public void Fit_BadSettings_Throw()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 1]], 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnorkelLabelModel { ProbabilityFloor = 0.5 }.Fit(matrix));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnorkelLabelModel { Regularization = -1 }.Fit(matrix));
    }
}
