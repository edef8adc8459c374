namespace Alchemist;

/// <summary>
/// Two label models fitted side by side, each as it would be alone, whose class distributions are averaged (a linear
/// opinion pool): one of <c>auto</c>'s candidates, weighted majority with the pretrained hyper label model.
/// </summary>
/// <remarks>
/// The report is the first model's (its class balance, iterations and function accuracies), with both models' warnings.
/// A matrix is predicted as a whole by each model (a transductive model such as hyper sees it whole), then averaged.
/// </remarks>
internal sealed class AveragedLabelModel(string name, LabelModel first, LabelModel second) : LabelModel
{
    /// <inheritdoc />
    public override string Name => name;

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        first.ScoresOnDevSplit = ScoresOnDevSplit;
        second.ScoresOnDevSplit = ScoresOnDevSplit;
        LabelModelFitReport a = first.Fit(matrix, options, cancellationToken);
        LabelModelFitReport b = second.Fit(matrix, options, cancellationToken);
        return a with { ModelName = name, DevScore = null, Warnings = [.. a.Warnings, .. b.Warnings] };
    }

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        first.ScoresOnDevSplit = ScoresOnDevSplit;
        second.ScoresOnDevSplit = ScoresOnDevSplit;
        first.RowSource = RowSource;
        second.RowSource = RowSource;
        LabelModelFitReport a = first.Fit(statistics, options, cancellationToken);
        LabelModelFitReport b = second.Fit(statistics, options, cancellationToken);
        return a with { ModelName = name, DevScore = null, Warnings = [.. a.Warnings, .. b.Warnings] };
    }

    /// <inheritdoc />
    protected override void PredictProbabilitiesCore(LabelMatrix matrix, double[] destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Mean(first.PredictProbabilities(matrix), second.PredictProbabilities(matrix)).AsSpan().CopyTo(destination);
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        Span<double> other = stackalloc double[destination.Length];
        first.PredictProbabilities(votes, destination);
        second.PredictProbabilities(votes, other);
        for (int c = 0; c < destination.Length; c++)
        {
            destination[c] = (destination[c] + other[c]) / 2;
        }
    }

    /// <inheritdoc />
    /// <remarks>When both models predict the matrix row by row, so does the mean: each row's two distributions are averaged as <see cref="Mean"/> averages them.</remarks>
    internal override bool PredictsRowByRowFor(LabelMatrix matrix) => first.PredictsRowByRowFor(matrix) && second.PredictsRowByRowFor(matrix);

    /// <summary>Averages two sets of distributions over the same items, row by row.</summary>
    internal static ClassProbabilities Mean(ClassProbabilities a, ClassProbabilities b)
    {
        ReadOnlySpan<double> x = a.AsSpan(), y = b.AsSpan();
        var values = new double[x.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (x[i] + y[i]) / 2;
        }

        return new ClassProbabilities(a.ItemCount, a.ClassCount, values);
    }
}
