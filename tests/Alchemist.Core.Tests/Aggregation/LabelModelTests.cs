using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class LabelModelTests
{
    private static readonly LabelMatrix Matrix = LabelMatrix.FromRows([[0, 1], [1, 1]], classCount: 2);

    [Fact]
    public void Predict_BeforeFit_Throws()
    {
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => new MajorityVoteLabelModel().PredictProbabilities(Matrix));
        Assert.Equal("The label model 'majority' has not been fitted; call Fit first.", ex.Message);
    }

    [Fact]
    public void Fit_EmptyMatrix_Throws() =>
        Assert.Throws<ArgumentException>("matrix", () => new MajorityVoteLabelModel().Fit(new LabelMatrix(0, 2, 2, ReadOnlySpan<sbyte>.Empty)));

    [Fact]
    public void Fit_NullMatrix_Throws() =>
        Assert.Throws<ArgumentNullException>("matrix", () => new MajorityVoteLabelModel().Fit((LabelMatrix)null!));

    [Fact]
    public void Fit_CanceledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new MajorityVoteLabelModel().Fit(Matrix, cancellationToken: cts.Token));
    }

    [Fact]
    public void Fit_BadClassBalance_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => new MajorityVoteLabelModel().Fit(Matrix, new LabelModelFitOptions { ClassBalance = [0.7, 0.7] }));
        Assert.StartsWith("The class balance sums to 1.4; it must sum to 1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DevMatrixWithoutLabels_Throws() =>
        Assert.Throws<ArgumentException>("options", () => new MajorityVoteLabelModel().Fit(Matrix, new LabelModelFitOptions { DevMatrix = Matrix }));

    [Fact]
    public void Fit_DevMatrixOfOtherFunctions_Throws() =>
        Assert.Throws<ArgumentException>("options", () => new MajorityVoteLabelModel().Fit(Matrix, new LabelModelFitOptions
        {
            DevMatrix = LabelMatrix.FromRows([[0]], 2),
            DevLabels = [0],
        }));

    [Fact]
    public void PredictProbabilities_OtherShape_Throws()
    {
        var model = new MajorityVoteLabelModel();
        model.Fit(Matrix);
        ArgumentException ex = Assert.Throws<ArgumentException>("matrix", () => model.PredictProbabilities(LabelMatrix.FromRows([[0, 1, 1]], 2)));
        Assert.StartsWith("The model 'majority' was fitted on 2 functions and 2 classes; the matrix has 3 and 2.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictProbabilities_Row_FillsTheBuffer()
    {
        var model = new MajorityVoteLabelModel();
        model.Fit(Matrix);
        Span<double> buffer = stackalloc double[2];
        model.PredictProbabilities([1, -1], buffer);
        Assert.Equal(1.0, buffer[1]);
    }

    [Fact]
    public void PredictProbabilities_LargeMatrix_EqualsRowByRow()
    {
        // Above the parallel threshold the default implementation splits the rows across threads.
        LabelMatrix large = LabelMatrixGenerator.Create(seed: 1, items: 40_000, functions: 7, classes: 3).Matrix;
        var model = new MajorityVoteLabelModel();
        model.Fit(large);
        ClassProbabilities all = model.PredictProbabilities(large);
        var row = new double[3];
        for (int i = 0; i < large.ItemCount; i += 997)
        {
            model.PredictProbabilities(large.GetRow(i), row);
            Assert.Equal(row, all.GetRow(i).ToArray());
        }
    }

    [Fact]
    public void Fit_F1OnMulticlass_Throws()
    {
        LabelMatrix three = LabelMatrix.FromRows([[0, 2]], 3);
        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => new MajorityVoteLabelModel().Fit(three, new LabelModelFitOptions { Metric = LabelModelMetric.F1 }));
        Assert.StartsWith("The F1 metric scores class 1 of a binary task; this task has 3 classes. Use LabelModelMetric.Accuracy.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DevSplitBalanceWithoutDevSplit_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => new MajorityVoteLabelModel().Fit(Matrix, new LabelModelFitOptions { ClassBalanceEstimation = ClassBalanceEstimation.DevSplit }));
        Assert.StartsWith("ClassBalanceEstimation is DevSplit, but no dev split was given; set DevMatrix and DevLabels, or choose another estimation.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DevSplit_ClassBalanceComesFromItsLabels()
    {
        LabelModelFitReport report = new DawidSkeneLabelModel().Fit(Matrix, new LabelModelFitOptions { DevMatrix = Matrix, DevLabels = [1, 1] });
        Assert.Equal([1 / 4.0, 3 / 4.0], report.ClassBalance);
    }

    [Fact]
    public void Fit_BelowMajorityVoteOnTheDevSplit_Warns()
    {
        // The dev labels contradict the votes and the given balance: the model scores 0, while majority vote's coin
        // flip on the row without votes scores half a point.
        LabelMatrix votes = LabelMatrixGenerator.Create(seed: 1, items: 2_000, classes: 2, accuracies: [0.9, 0.9, 0.9], coverages: [0.5, 0.5, 0.5], classBalance: [0.5, 0.5]).Matrix;
        LabelMatrix dev = LabelMatrix.FromRows([[0, 0, 0], [1, 1, 1], [-1, -1, -1]], 2);

        LabelModelFitReport report = new DawidSkeneLabelModel().Fit(votes, new LabelModelFitOptions { DevMatrix = dev, DevLabels = [1, 0, 1], ClassBalance = [0.9, 0.1] });

        Assert.NotNull(report.DevScore);
        Assert.Contains("On the labeled dev items, 'dawid-skene' scores 0.000 (Accuracy), below majority vote's 0.167; prefer 'majority' or 'auto' unless there is a reason to trust this model.", report.Warnings);
    }

    [Fact]
    public void Fit_AtOrAboveMajorityVote_DoesNotWarn()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 3, items: 3_000, functions: 7, classes: 2);
        var options = new LabelModelFitOptions { DevMatrix = synthetic.Matrix.SliceItems(0, 500), DevLabels = [.. synthetic.TrueLabels.Take(500)] };

        LabelModelFitReport report = new DawidSkeneLabelModel().Fit(synthetic.Matrix, options);

        Assert.DoesNotContain(report.Warnings, w => w.StartsWith("On the labeled dev items", StringComparison.Ordinal));
        Assert.True(report.DevScore > 0.8);
    }
}
