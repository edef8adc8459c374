using System.Globalization;

namespace Alchemist;

/// <summary>
/// A label model that fits Snorkel's matrix-completion model (Ratner et al. 2019, "MeTaL"): each function's
/// probability of each vote given the true class, chosen so that the predicted overlaps of the votes match the observed
/// ones, under a class-balance prior.
/// </summary>
/// <remarks>
/// <para>
/// The loss is Snorkel's: the squared difference between the observed second moments of the one-hot votes and
/// <c>mu P mu^T</c> off each function's own block, plus the squared difference between each vote's frequency and
/// <c>mu pi</c>. Snorkel minimizes it by SGD for 100 epochs with a learning rate; here L-BFGS runs it to convergence
/// from Snorkel's start, so the fit is deterministic and needs no learning rate or seed. Prediction is Snorkel's:
/// <c>P(y | votes)</c> proportional to <c>pi_y</c> times the product over voting functions of
/// <c>mu[(j, vote), y]</c>, clipped to <see cref="ProbabilityFloor"/>..1 - <see cref="ProbabilityFloor"/>.
/// </para>
/// <para>
/// It needs joint vote counts (<see cref="LabelStatistics.HasJointCounts"/>); when <c>m * K</c> exceeds
/// <see cref="LabelStatistics.MaxJointDimension"/>, or the full model would be too costly (many classes), it fits the
/// one-coin reduction of the same idea (one accuracy per function, matched to the pairwise agreement rates) and says
/// so in a warning. Without a given or dev-split class balance, the balance is the one the one-coin (triplet) model's
/// posteriors imply over the distinct rows: Snorkel's loss itself cannot separate the balance from a rescaling of
/// <c>mu</c>. Without distinct rows it is uniform, as in Snorkel.
/// </para>
/// </remarks>
public sealed class SnorkelLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"snorkel"</c>.</summary>
    public const string ModelName = "snorkel";

    private VoteLogTable? _table;

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    internal override bool PredictsRowByRow => true;

    /// <summary>Gets or sets the most L-BFGS iterations.</summary>
    /// <value>The default is 1000.</value>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Gets or sets the strength of the L2 pull of the conditional probabilities toward the starting point (Snorkel's <c>l2</c>), in items: the start weighs as much as this many items, so the pull fades as the matrix grows.</summary>
    /// <value>The default is 5000, chosen on the dev splits of the WRENCH datasets; 0 is the unregularized fit.</value>
    public double Regularization { get; init; } = 5000;

    /// <summary>Gets or sets the bounds applied to the fitted conditional probabilities before prediction.</summary>
    /// <value>The default is 0.001 (Snorkel clips at 0.01, which erases the evidence of functions that vote on fewer than 1% of the items).</value>
    public double ProbabilityFloor { get; init; } = 0.001;

    /// <inheritdoc />
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken) =>
        FitFromPairCounts(matrix, options, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Needs the pair counts, and the distinct rows to estimate the class balance from the votes.</remarks>
    protected override LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(ProbabilityFloor);
        ArgumentOutOfRangeException.ThrowIfNegative(Regularization);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ProbabilityFloor, 0.5);
        if (!statistics.HasPairCounts)
        {
            throw new InvalidOperationException("The Snorkel model needs pair counts; compute the statistics with LabelStatisticsOptions.IncludePairCounts set to true.");
        }

        int k = statistics.ClassCount;
        List<string> warnings = [];
        double[]? fixedBalance = ClassBalances.Resolve(options, k);
        double[] balance = fixedBalance ?? [.. Enumerable.Repeat(1.0 / k, k)];
        IRowChunks? rows = (IRowChunks?)statistics.Rows ?? RowSource;
        if (fixedBalance is null && rows is null)
        {
            warnings.Add("No class balance was given and the statistics hold no distinct rows to estimate it from; the Snorkel model assumed a uniform balance.");
        }
        else if (fixedBalance is null)
        {
            // Snorkel's loss cannot tell the balance from a rescaling of mu, so it comes from the one-coin model of the
            // same votes (triplet accuracies), whose posteriors do determine it.
            double[] oneCoin = FlyingSquidLabelModel.EstimateAccuracies(statistics, [], cancellationToken);
            balance = ClassBalances.FromPosteriors(rows!, VoteLogTable.OneCoin([.. oneCoin.Select(a => OneCoinEstimator.Weight(a, k))], balance), balance);
        }

        // The full model has a parameter per (vote actually cast, class) and costs (cast votes)^2 * K per evaluation;
        // beyond MaxFullModelCost, or without joint counts, the one-coin reduction stands in.
        bool full = statistics.HasJointCounts && FullModelCost(statistics) <= MaxFullModelCost;
        LbfgsMinimizerResult result;
        if (full)
        {
            double[] mu;
            (mu, result) = MatrixCompletionEstimator.Fit(statistics, balance, null, Regularization / statistics.ItemCount, MaxIterations, cancellationToken);
            _table = Table(mu, balance, statistics.FunctionCount, k);
        }
        else
        {
            double[] accuracies;
            (accuracies, result) = OneCoinEstimator.LeastSquares(statistics, MatrixCompletionEstimator.InitialPrecision, MaxIterations, cancellationToken);
            _table = VoteLogTable.OneCoin([.. accuracies.Select(a => OneCoinEstimator.Weight(a, k))], balance);
        }

        int iterations = result.Iterations;
        bool converged = result.Converged;
        if (!full)
        {
            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{statistics.FunctionCount} functions x {k} classes are too many for the full matrix-completion model (more than {LabelStatistics.MaxJointDimension} function-class pairs, or more than {MaxFullModelCost:0.#e0} operations per evaluation); the Snorkel model fitted one accuracy per function to the pairwise agreement rates instead."));
        }

        if (!converged)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"L-BFGS stopped after {iterations} iterations without converging; raise MaxIterations or treat the estimates as rough."));
        }

        for (int c = 0; c < k; c++)
        {
            _table!.Bias[c] = Math.Log(balance[c]);
        }

        return new LabelModelFitReport
        {
            ModelName = ModelName,
            ClassBalance = balance,
            Iterations = iterations,
            Converged = converged,
            FunctionAccuracies = Accuracies(_table!, balance),
            Warnings = warnings,
        };
    }

    /// <summary>The largest <c>(cast votes)^2 * K</c> for which the full model is fitted.</summary>
    private const double MaxFullModelCost = 2.5e7;

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination) => _table!.Predict(votes, destination);

    /// <summary>Gets each function's accuracy implied by the table: P(vote right | it votes).</summary>
    internal static double[] Accuracies(VoteLogTable table, IReadOnlyList<double> balance)
    {
        int k = table.ClassCount;
        var accuracies = new double[table.FunctionCount];
        for (int j = 0; j < accuracies.Length; j++)
        {
            double right = 0, voted = 0;
            for (int y = 0; y < k; y++)
            {
                double abstain = Math.Exp(table.Table[table.Offset(j, Label.Abstain) + y]);
                for (int v = 0; v < k; v++)
                {
                    double p = balance[y] * Math.Exp(table.Table[table.Offset(j, v) + y]) / abstain;
                    voted += p;
                    right += v == y ? p : 0;
                }
            }

            accuracies[j] = voted > 0 ? right / voted : 1.0 / k;
        }

        return accuracies;
    }

    private static double FullModelCost(LabelStatistics statistics)
    {
        double cast = 0;
        foreach (long count in statistics.VoteCounts)
        {
            cast += count > 0 ? 1 : 0;
        }

        return cast * cast * statistics.ClassCount;
    }

    private VoteLogTable Table(double[] mu, double[] balance, int m, int k)
    {
        var table = new VoteLogTable(m, k);
        double floor = ProbabilityFloor;
        for (int j = 0; j < m; j++)
        {
            for (int a = 0; a < k; a++)
            {
                int p = (j * k) + a;
                int at = table.Offset(j, a);
                for (int y = 0; y < k; y++)
                {
                    table.Table[at + y] = Math.Log(Math.Clamp(mu[(p * k) + y], Math.Max(floor, 1e-12), 1 - floor));
                }
            }
        }

        for (int c = 0; c < k; c++)
        {
            table.Bias[c] = Math.Log(balance[c]);
        }

        return table;
    }
}
