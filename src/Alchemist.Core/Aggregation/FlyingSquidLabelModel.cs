using System.Globalization;

namespace Alchemist;

/// <summary>
/// A label model that estimates each function's accuracy in closed form by FlyingSquid's triplet method (Fu et al.
/// 2020), then predicts by the accuracy-weighted vote with the class prior.
/// </summary>
/// <remarks>
/// <para>
/// For three conditionally independent functions, the centered agreement rates satisfy <c>M_jk = s_j s_k</c>, so
/// <c>s_j^2 = M_jk M_jl / M_kl</c>; each function's estimate averages every triplet whose pairs overlap on at least
/// five items, weighted by the smallest overlap. The rates are taken over items both functions vote on, and the
/// centering <c>M = (K r - 1) / (K - 1)</c> makes the same identity hold for any number of classes under the one-coin
/// model (a wrong vote picks one of the other classes uniformly), so multi-class tasks get the same closed form rather
/// than an error. For <c>K = 2</c> it is FlyingSquid's binary method.
/// </para>
/// <para>
/// Like FlyingSquid, it assumes functions are better than random. A function in no usable triplet gets the mean of the
/// others' estimates, with a warning. It needs the pair counts; without a given or dev-split class balance, it
/// estimates the balance from its posteriors over the distinct rows.
/// </para>
/// </remarks>
public sealed class FlyingSquidLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"flyingsquid"</c>.</summary>
    public const string ModelName = "flyingsquid";

    private VoteLogTable? _table;

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    internal override bool PredictsRowByRow => true;

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken) =>
        FitFromPairCounts(matrix, options, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Needs the pair counts, and the distinct rows to estimate the class balance from the votes.</remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        if (!statistics.HasPairCounts)
        {
            throw new InvalidOperationException("FlyingSquid needs pair counts; compute the statistics with LabelStatisticsOptions.IncludePairCounts set to true.");
        }

        int k = statistics.ClassCount;
        List<string> warnings = [];
        double[] accuracies = EstimateAccuracies(statistics, warnings, cancellationToken);
        (VoteLogTable table, double[] balance) = OneCoinTable(accuracies, statistics, (IRowChunks?)statistics.Rows ?? RowSource, options, warnings);
        _table = table;
        return new LabelModelFitReport
        {
            ModelName = ModelName,
            ClassBalance = balance,
            FunctionAccuracies = accuracies,
            Warnings = warnings,
        };
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination) => _table!.Predict(votes, destination);

    /// <summary>Estimates accuracies by triplets, filling the functions no triplet covers with the mean of the others.</summary>
    internal static double[] EstimateAccuracies(LabelStatistics statistics, List<string> warnings, CancellationToken cancellationToken)
    {
        double[] accuracies = OneCoinEstimator.Triplets(statistics, cancellationToken);
        double[] known = [.. accuracies.Where(double.IsFinite)];
        int missing = accuracies.Length - known.Length;
        if (missing > 0)
        {
            double fill = known.Length > 0 ? known.Average() : MatrixCompletionEstimator.InitialPrecision;
            for (int j = 0; j < accuracies.Length; j++)
            {
                if (!double.IsFinite(accuracies[j]))
                {
                    accuracies[j] = fill;
                }
            }

            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{missing} of {accuracies.Length} functions overlap too few others (at least {OneCoinEstimator.MinOverlap} shared items with two functions that also overlap) for the triplet estimate; they were given the mean accuracy {fill:0.000}."));
        }

        return accuracies;
    }

    /// <summary>Builds a one-coin table from accuracies with the given, dev-split or estimated class balance.</summary>
    internal static (VoteLogTable Table, double[] Balance) OneCoinTable(double[] accuracies, LabelStatistics statistics, IRowChunks? rows, LabelModelFitOptions options, List<string> warnings)
    {
        int k = statistics.ClassCount;
        double[] weights = [.. accuracies.Select(a => OneCoinEstimator.Weight(a, k))];
        double[]? balance = ClassBalances.Resolve(options, k);
        if (balance is not null)
        {
            return (VoteLogTable.OneCoin(weights, balance), balance);
        }

        double[] uniform = [.. Enumerable.Repeat(1.0 / k, k)];
        VoteLogTable table = VoteLogTable.OneCoin(weights, uniform);
        if (rows is not null)
        {
            return (table, ClassBalances.FromPosteriors(rows, table, uniform));
        }

        warnings.Add("No class balance was given and the statistics hold no distinct rows to estimate it from; a uniform balance was assumed.");
        return (table, uniform);
    }
}
