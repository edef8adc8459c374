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
        LabelMatrix large = Alchemist.Testing.LabelMatrixGenerator.Create(seed: 1, items: 40_000, functions: 7, classes: 3).Matrix;
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
}
