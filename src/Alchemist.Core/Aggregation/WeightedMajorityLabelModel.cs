namespace Alchemist;

/// <summary>
/// A label model that weights each function's vote by the log-odds of its accuracy, estimated on the dev split when one
/// is given and otherwise by the unsupervised triplet method, and adds the log class prior.
/// </summary>
/// <remarks>
/// <para>
/// A vote for class <c>c</c> adds <c>log(a_j (K - 1) / (1 - a_j))</c> to <c>c</c>'s score: the posterior of the one-coin
/// model, in which a wrong vote picks any other class uniformly. An item without votes gets the class balance.
/// </para>
/// <para>
/// With a dev split, a function's accuracy is its dev accuracy shrunk toward the unsupervised estimate:
/// <c>(right + s a0) / (votes + s)</c> with <c>s = </c><see cref="PriorStrength"/>, so a function with few dev votes
/// keeps most of its unsupervised estimate and none reaches 0 or 1. The fit needs the pair counts (for the unsupervised
/// estimate) and, without a given or dev-split class balance, the distinct rows.
/// </para>
/// </remarks>
public sealed class WeightedMajorityLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"weighted-majority"</c>.</summary>
    public const string ModelName = "weighted-majority";

    private VoteLogTable? _table;

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    internal override bool PredictsRowByRow => true;

    /// <summary>Gets or sets how many dev votes the unsupervised accuracy estimate counts as.</summary>
    /// <value>The default is 2.</value>
    public double PriorStrength { get; init; } = 2;

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken) =>
        FitFromPairCounts(matrix, options, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Needs the pair counts, and the distinct rows to estimate the class balance from the votes.</remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PriorStrength);
        if (!statistics.HasPairCounts)
        {
            throw new InvalidOperationException("Weighted majority needs pair counts for its unsupervised accuracy estimate; compute the statistics with LabelStatisticsOptions.IncludePairCounts set to true.");
        }

        List<string> warnings = [];
        double[] accuracies = FlyingSquidLabelModel.EstimateAccuracies(statistics, warnings, cancellationToken);
        if (options.DevMatrix is { } dev && options.DevLabels is { } labels)
        {
            accuracies = DevAccuracies(dev, labels, accuracies, PriorStrength);
        }

        (VoteLogTable table, double[] balance) = FlyingSquidLabelModel.OneCoinTable(accuracies, statistics, (IRowChunks?)statistics.Rows ?? RowSource, options, warnings);
        _table = table;

        // The accuracies learned from the dev labels would flatter an in-sample score; score by cross-validation.
        double? devScore = options.HasDevSplit && ScoresOnDevSplit
            ? DevFolds.CrossValidatedScore(options, statistics.ClassCount, foldOptions =>
            {
                var fold = new WeightedMajorityLabelModel { PriorStrength = PriorStrength, RowSource = RowSource, ScoresOnDevSplit = false };
                fold.Fit(statistics, foldOptions, cancellationToken);
                return fold;
            })
            : null;
        return new LabelModelFitReport
        {
            ModelName = ModelName,
            ClassBalance = balance,
            FunctionAccuracies = accuracies,
            DevScore = devScore,
            Warnings = warnings,
        };
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination) => _table!.Predict(votes, destination);

    /// <summary>Shrinks each function's dev accuracy toward a prior estimate.</summary>
    internal static double[] DevAccuracies(LabelMatrix dev, IReadOnlyList<int> labels, IReadOnlyList<double> prior, double strength)
    {
        int m = dev.FunctionCount;
        var right = new double[m];
        var votes = new double[m];
        for (int i = 0; i < dev.ItemCount; i++)
        {
            ReadOnlySpan<sbyte> row = dev.GetRow(i);
            for (int j = 0; j < m; j++)
            {
                if (row[j] >= 0)
                {
                    votes[j]++;
                    right[j] += row[j] == labels[i] ? 1 : 0;
                }
            }
        }

        return [.. Enumerable.Range(0, m).Select(j => (right[j] + (strength * prior[j])) / (votes[j] + strength))];
    }
}
