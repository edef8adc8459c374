using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class WeightedMajorityLabelModelTests
{
    [Fact]
    public void Fit_DevSplit_AccuraciesComeFromItShrunkTowardTheUnsupervisedEstimate()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 3_000, functions: 4, classes: 2).Matrix;
        LabelMatrix dev = LabelMatrix.FromRows([[1, 0, -1, -1], [1, 1, -1, -1], [0, 0, -1, -1], [1, -1, -1, -1]], 2);
        IReadOnlyList<double> unsupervised = new WeightedMajorityLabelModel().Fit(matrix).FunctionAccuracies!;

        LabelModelFitReport report = new WeightedMajorityLabelModel { PriorStrength = 2 }.Fit(matrix, new LabelModelFitOptions { DevMatrix = dev, DevLabels = [1, 1, 0, 0] });

        // lf0: 3 of 4 right on dev; lf1: 2 of 3; lf2 and lf3 never voted on dev, so they keep the unsupervised estimate.
        Assert.Equal((3 + (2 * unsupervised[0])) / 6, report.FunctionAccuracies![0], 12);
        Assert.Equal((2 + (2 * unsupervised[1])) / 5, report.FunctionAccuracies[1], 12);
        Assert.Equal(unsupervised[2], report.FunctionAccuracies[2], 12);
        Assert.Equal(unsupervised[3], report.FunctionAccuracies[3], 12);
    }

    [Fact]
    public void PredictProbabilities_IsTheOneCoinPosterior()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 3_000, functions: 3, classes: 3).Matrix;
        var model = new WeightedMajorityLabelModel();
        LabelModelFitReport report = model.Fit(matrix, new LabelModelFitOptions { ClassBalance = [0.5, 0.25, 0.25] });
        IReadOnlyList<double> a = report.FunctionAccuracies!;

        var p = new double[3];
        model.PredictProbabilities([1, 2, -1], p);

        double[] scores = [0.5 * ((1 - a[0]) / 2) * ((1 - a[1]) / 2), 0.25 * a[0] * ((1 - a[1]) / 2), 0.25 * ((1 - a[0]) / 2) * a[1]];
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(scores[c] / scores.Sum(), p[c], 12));
    }
}
