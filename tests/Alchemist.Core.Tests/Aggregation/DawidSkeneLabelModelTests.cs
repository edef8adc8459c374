using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class DawidSkeneLabelModelTests
{
    [Fact]
    public void Fit_ReportsIterationsAndConvergence()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 5_000, functions: 6, classes: 3).Matrix;
        LabelModelFitReport report = new DawidSkeneLabelModel().Fit(matrix);

        Assert.Equal("dawid-skene", report.ModelName);
        Assert.True(report.Converged);
        Assert.InRange(report.Iterations!.Value, 1, 999);
        Assert.Empty(report.Warnings);
        Assert.Equal(6, report.FunctionAccuracies!.Count);
    }

    [Fact]
    public void Fit_IterationCapHit_ReportsAndWarns()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 5_000, functions: 6, classes: 3).Matrix;
        LabelModelFitReport report = new DawidSkeneLabelModel { MaxIterations = 2, Tolerance = 0 }.Fit(matrix);

        Assert.False(report.Converged);
        Assert.Equal(2, report.Iterations);
        string warning = Assert.Single(report.Warnings);
        Assert.StartsWith("Dawid-Skene stopped after 2 iterations without converging (a probability still moved by ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictProbabilities_FunctionThatVotedOnce_CannotDecideAlone()
    {
        // lf2 voted once, and rightly by the others' account; smoothing keeps its evidence finite.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 2_000, classes: 2, accuracies: [0.8, 0.8, 0.8], coverages: [0.9, 0.9, 0], classBalance: [0.5, 0.5]);
        var rows = Enumerable.Range(0, synthetic.Matrix.ItemCount).Select(i => synthetic.Matrix.GetRow(i).ToArray().Select(v => (int)v).ToArray()).ToList();
        rows[0] = [1, 1, 1];
        LabelMatrix matrix = LabelMatrix.FromRows(rows, 2);
        var model = new DawidSkeneLabelModel();
        model.Fit(matrix);

        var p = new double[2];
        model.PredictProbabilities([-1, -1, 1], p);

        Assert.InRange(p[1], 0.5, 0.99);
    }

    [Fact]
    public void Fit_OneSidedFunctions_ModelingAbstentionsKeepsTheirEvidence()
    {
        // Keyword-style functions that only ever vote one class: their evidence is how often they fire under each class.
        var random = new Random(5);
        var rows = new List<int[]>();
        var truth = new List<int>();
        for (int i = 0; i < 4_000; i++)
        {
            int y = random.NextDouble() < 0.5 ? 1 : 0;
            truth.Add(y);
            rows.Add([.. Enumerable.Range(0, 6).Select(j => (j < 3) == (y == 1) && random.NextDouble() < 0.5 ? (j < 3 ? 1 : 0) : random.NextDouble() < 0.05 ? (j < 3 ? 1 : 0) : -1)]);
        }

        LabelMatrix matrix = LabelMatrix.FromRows(rows, 2);
        var withAbstentions = new DawidSkeneLabelModel();
        var classic = new DawidSkeneLabelModel { ModelAbstentions = false };
        withAbstentions.Fit(matrix);
        classic.Fit(matrix);

        double modeled = ClassificationMetrics.Accuracy(truth, withAbstentions.Predict(matrix, TieBreak.Random(0)));
        double ignored = ClassificationMetrics.Accuracy(truth, classic.Predict(matrix, TieBreak.Random(0)));
        Assert.True(modeled > 0.8, $"With abstentions modeled: {modeled}.");
        Assert.True(modeled > ignored, $"{modeled} vs {ignored}.");
    }

    [Fact]
    public void Fit_DevLabelWeight_EstimatesMoveTowardTheDevSplit()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 6, items: 3_000, functions: 5, classes: 2);
        LabelMatrix dev = synthetic.Matrix.SliceItems(0, 300);
        int[] gold = [.. synthetic.TrueLabels.Take(300)];
        var options = new LabelModelFitOptions { DevMatrix = dev, DevLabels = gold };

        IReadOnlyList<double> unsupervised = new DawidSkeneLabelModel().Fit(synthetic.Matrix, options).FunctionAccuracies!;
        IReadOnlyList<double> semi = new DawidSkeneLabelModel { DevLabelWeight = 10 }.Fit(synthetic.Matrix, options).FunctionAccuracies!;

        // With weight 10, the 300 dev items count as much as the 3,000 unlabeled ones: the estimates move toward the
        // accuracies the functions actually had on the dev items.
        double[] onDev = [.. Enumerable.Range(0, 5).Select(j =>
        {
            int[] voted = [.. Enumerable.Range(0, 300).Where(i => dev[i, j] >= 0)];
            return voted.Count(i => dev[i, j] == gold[i]) / (double)voted.Length;
        })];
        double before = Enumerable.Range(0, 5).Sum(j => Math.Abs(unsupervised[j] - onDev[j]));
        double after = Enumerable.Range(0, 5).Sum(j => Math.Abs(semi[j] - onDev[j]));
        Assert.True(after < before / 2, $"{after} vs {before}.");
    }

    [Fact]
    public void Fit_BadSettings_Throw()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 1]], 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkeneLabelModel { MaxIterations = 0 }.Fit(matrix));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkeneLabelModel { Smoothing = 0 }.Fit(matrix));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DawidSkeneLabelModel { DevLabelWeight = -1 }.Fit(matrix));
    }

    [Fact]
    public void Fit_LargeMatrixWithDistinctRows_EqualsTheGroupedFit()
    {
        // Above 65,536 rows that barely repeat, EM runs over the matrix itself instead of grouped rows.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 8, items: 70_000, functions: 40, classes: 2).Matrix;
        var direct = new DawidSkeneLabelModel();
        direct.Fit(matrix);
        var grouped = new DawidSkeneLabelModel();
        grouped.Fit(LabelStatistics.Compute(matrix, new LabelStatisticsOptions { IncludePairCounts = false }));

        Assert.Equal(grouped.FitReport.Iterations, direct.FitReport.Iterations);
        double[] a = direct.PredictProbabilities(matrix.SliceItems(0, 1_000)).AsSpan().ToArray();
        double[] b = grouped.PredictProbabilities(matrix.SliceItems(0, 1_000)).AsSpan().ToArray();
        Assert.All(Enumerable.Range(0, a.Length), i => Assert.Equal(a[i], b[i], 9));
    }
}
