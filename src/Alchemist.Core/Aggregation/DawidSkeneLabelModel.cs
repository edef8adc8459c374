using System.Globalization;

namespace Alchemist;

/// <summary>
/// A label model that fits the Dawid-Skene model by expectation-maximization: a class prior and, for each labeling
/// function, a confusion matrix of the probability of each vote (abstaining included) given the true class.
/// </summary>
/// <remarks>
/// <para>
/// EM runs over the distinct vote rows weighted by their counts (<see cref="LabelStatistics.GetDistinctRow"/>), which
/// is exact and, on real label matrices, a hundred times fewer rows than items (when more than half of a matrix's rows
/// are distinct, EM runs over the matrix itself instead). It starts from majority vote and stops when no probability of
/// the model moves by more than <see cref="Tolerance"/> between iterations, or after
/// <see cref="MaxIterations"/>; the report says which (<see cref="LabelModelFitReport.Converged"/>) and warns when the
/// cap was hit.
/// </para>
/// <para>
/// Every confusion count gets <see cref="Smoothing"/> pseudo-counts (twice as many for the right vote), so a function
/// that votes rarely cannot produce a probability of 0 or 1. With <see cref="ModelAbstentions"/>, abstaining is one
/// of the outcomes, so a function that only ever votes one class (a keyword rule) still carries evidence through how
/// often it fires under each class; without it, abstentions are ignored, as in the classic model.
/// </para>
/// <para>
/// The class balance is the given one, the dev split's, or (<see cref="ClassBalanceEstimation.Votes"/>) estimated by
/// EM with the rest. With <see cref="DevLabelWeight"/> above 0, the dev rows join EM with their posteriors clamped to
/// their gold class (semi-supervised EM).
/// </para>
/// </remarks>
public sealed class DawidSkeneLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"dawid-skene"</c>.</summary>
    public const string ModelName = "dawid-skene";

    private VoteLogTable? _table;

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    internal override bool PredictsRowByRow => true;

    /// <summary>Gets or sets the most EM iterations.</summary>
    /// <value>The default is 1000: EM converges linearly, and slowly on weakly identified models.</value>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Gets or sets the convergence criterion: the largest change of any probability of the model (a confusion entry or the class balance) between iterations.</summary>
    /// <value>The default is 1e-5.</value>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>Gets or sets the Dirichlet pseudo-count added to every confusion count; the right vote gets twice as many.</summary>
    /// <value>The default is 1.</value>
    public double Smoothing { get; init; } = 1;

    /// <summary>Gets or sets a value indicating whether abstaining is modeled as an outcome whose probability depends on the class.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ModelAbstentions { get; init; } = true;

    /// <summary>Gets or sets how many unlabeled items each labeled dev item counts as in EM; 0 leaves the dev labels out of EM.</summary>
    /// <value>The default is 0.</value>
    public double DevLabelWeight { get; init; }

    /// <inheritdoc />
    /// <remarks>EM runs over the distinct rows, or over the matrix's own rows when more than half of them are distinct.</remarks>
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Fit(DistinctRowTable.BuildIfCompact(matrix) ?? (IRowChunks)new MatrixRowChunks(matrix), matrix.ClassCount, options, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Needs the distinct rows.</remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        IRowChunks rows = (IRowChunks?)statistics.Rows ?? RowSource ?? throw new InvalidOperationException(
            "Dawid-Skene needs the distinct rows of the label matrix; compute the statistics with LabelStatisticsOptions.IncludeDistinctRows set to true.");
        return Fit(rows, statistics.ClassCount, options, cancellationToken);
    }

    private LabelModelFitReport Fit(IRowChunks rows, int classCount, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Smoothing);
        ArgumentOutOfRangeException.ThrowIfNegative(DevLabelWeight);
        DawidSkeneFit fit = DawidSkeneEstimator.Fit(
            new DawidSkeneProblem(rows, classCount)
            {
                FixedBalance = ClassBalances.Resolve(options, classCount),
                Smoothing = Smoothing,
                ModelAbstentions = ModelAbstentions,
                MaxIterations = MaxIterations,
                Tolerance = Tolerance,
                DevMatrix = DevLabelWeight > 0 ? options.DevMatrix : null,
                DevLabels = DevLabelWeight > 0 ? options.DevLabels : null,
                DevWeight = DevLabelWeight,
            },
            cancellationToken);
        _table = fit.Table;
        List<string> warnings = [];
        if (!fit.Converged)
        {
            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Dawid-Skene stopped after {fit.Iterations} iterations without converging (a probability still moved by {fit.LastChange:g3}); raise MaxIterations or treat the estimates as rough."));
        }

        // Semi-supervised EM learned from the dev labels; score it by cross-validation rather than in sample.
        double? devScore = DevLabelWeight > 0 && options.HasDevSplit && ScoresOnDevSplit
            ? DevFolds.CrossValidatedScore(options, classCount, foldOptions =>
            {
                var fold = new DawidSkeneLabelModel
                {
                    MaxIterations = MaxIterations,
                    Tolerance = Math.Max(Tolerance, AutoCandidate.ScoringTolerance),
                    Smoothing = Smoothing,
                    ModelAbstentions = ModelAbstentions,
                    DevLabelWeight = DevLabelWeight,
                    RowSource = rows,
                    ScoresOnDevSplit = false,
                };
                fold.Fit(LabelStatistics.ShapeOnly(rows.Width, classCount, rows.TotalWeight, options.DevMatrix!.FunctionNames), foldOptions, cancellationToken);
                return fold;
            })
            : null;
        return new LabelModelFitReport
        {
            ModelName = ModelName,
            ClassBalance = fit.Balance,
            DevScore = devScore,
            Iterations = fit.Iterations,
            Converged = fit.Converged,
            FunctionAccuracies = fit.Accuracies,
            Warnings = warnings,
        };
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination) => _table!.Predict(votes, destination);
}
