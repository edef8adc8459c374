using System.Diagnostics;
using System.Globalization;

namespace Alchemist;

/// <summary>Aggregates the noisy votes of labeling functions into a probability for each class of each item.</summary>
/// <remarks>
/// <para>
/// Call <see cref="Fit(LabelMatrix, LabelModelFitOptions?, CancellationToken)"/> once (or fit from merged
/// <see cref="LabelStatistics"/>), then <see cref="PredictProbabilities(LabelMatrix)"/> or <see cref="Predict"/> on any matrix
/// with the same functions and classes. A fitted model is read-only, so prediction is thread-safe; fitting is not,
/// and must not overlap any other call on the same instance.
/// </para>
/// <para>
/// Implementations override <see cref="FitCore(LabelMatrix, LabelModelFitOptions, CancellationToken)"/> (and, when they
/// can start from statistics, <see cref="FitCore(LabelStatistics, LabelModelFitOptions, CancellationToken)"/>) and
/// <see cref="PredictRowCore"/>; this class validates the arguments, times the fit, scores it on the dev split and
/// enforces the fitted state.
/// </para>
/// </remarks>
public abstract class LabelModel
{
    private LabelModelFitReport? _report;

    /// <summary>Gets the name of the model, as the catalog and the CLI know it, for example <c>"majority"</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a value indicating whether the model has been fitted.</summary>
    public bool IsFitted => _report is not null;

    /// <summary>Gets the number of classes the model was fitted for, or 0 before it is fitted.</summary>
    public int ClassCount { get; private set; }

    /// <summary>Gets the number of labeling functions the model was fitted for, or 0 before it is fitted.</summary>
    public int FunctionCount { get; private set; }

    /// <summary>Gets or sets a value indicating whether a fit with a dev split scores itself there and warns against majority vote; the automatic choice turns it off for its candidates, which it scores by cross-validation.</summary>
    internal bool ScoresOnDevSplit { get; set; } = true;

    /// <summary>Gets a value indicating whether the model predicts a matrix one row at a time from that row's votes alone (<see cref="PredictRowCore"/>, no override of <see cref="PredictProbabilitiesCore"/>), so that identical rows get identical distributions and a matrix can be predicted once per distinct row; a transductive model (hyper) or a model of unknown kind says no.</summary>
    internal virtual bool PredictsRowByRow => false;

    /// <summary>Determines whether the model's prediction of <paramref name="matrix"/> (<see cref="PredictProbabilities(LabelMatrix)"/>) is, bit for bit, each of its rows predicted alone (<see cref="PredictProbabilities(ReadOnlySpan{sbyte}, Span{double})"/>), so that it can be predicted once per distinct row: always for a model that predicts row by row, and for the hyper label model on the matrix it was fitted on when it grouped that matrix's rows.</summary>
    /// <param name="matrix">The matrix to predict.</param>
    internal virtual bool PredictsRowByRowFor(LabelMatrix matrix) => PredictsRowByRow;

    /// <summary>Gets or sets the rows a fit from statistics reads when the statistics hold no distinct rows (a matrix's own rows, when they barely repeat): Dawid-Skene's EM runs over them, the one-coin models estimate the class balance over them. Models that need no rows ignore it.</summary>
    internal IRowChunks? RowSource { get; set; }

    /// <summary>Gets the report of the last fit.</summary>
    /// <exception cref="InvalidOperationException">The model has not been fitted.</exception>
    public LabelModelFitReport FitReport => _report ?? throw NotFitted();

    /// <summary>Fits the model to a label matrix.</summary>
    /// <param name="matrix">The votes; at least one item and one function.</param>
    /// <param name="options">A class balance and a dev split, when known; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the fit; checked once per iteration.</param>
    /// <returns>What happened during the fit; also available as <see cref="FitReport"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> has no items or no functions, or <paramref name="options"/> does not fit it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// When a dev split is given, the report carries the model's dev score (<see cref="LabelModelFitReport.DevScore"/>)
    /// and a warning whenever that score is below majority vote's on the same split.
    /// </remarks>
    public LabelModelFitReport Fit(LabelMatrix matrix, LabelModelFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.ItemCount == 0 || matrix.FunctionCount == 0)
        {
            throw new ArgumentException($"A label model needs at least one item and one labeling function; the matrix is {matrix.ItemCount} x {matrix.FunctionCount}.", nameof(matrix));
        }

        options ??= new LabelModelFitOptions();
        options.Validate(matrix.FunctionCount, matrix.ClassCount, nameof(options));
        cancellationToken.ThrowIfCancellationRequested();

        long started = Stopwatch.GetTimestamp();
        LabelModelFitReport report = FitCore(matrix, options, cancellationToken);
        return Complete(report, matrix.FunctionCount, matrix.ClassCount, options, started);
    }

    /// <summary>Fits the model to the statistics of a label matrix, for example the merged statistics of partitions built on several machines.</summary>
    /// <param name="statistics">The statistics; at least one item. Which statistics a model needs is in its documentation.</param>
    /// <param name="options">A class balance and a dev split, when known; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the fit; checked once per iteration.</param>
    /// <returns>What happened during the fit; also available as <see cref="FitReport"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="statistics"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="statistics"/> describe no items, or <paramref name="options"/> does not fit them.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="statistics"/> lack what this model needs.</exception>
    /// <exception cref="NotSupportedException">The model cannot be fitted from statistics.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>The fit is identical to <see cref="Fit(LabelMatrix, LabelModelFitOptions?, CancellationToken)"/> on the matrix the statistics describe.</remarks>
    public LabelModelFitReport Fit(LabelStatistics statistics, LabelModelFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.ItemCount == 0)
        {
            throw new ArgumentException("A label model needs at least one item; the statistics describe none.", nameof(statistics));
        }

        options ??= new LabelModelFitOptions();
        options.Validate(statistics.FunctionCount, statistics.ClassCount, nameof(options));
        cancellationToken.ThrowIfCancellationRequested();

        long started = Stopwatch.GetTimestamp();
        LabelModelFitReport report = FitCore(statistics, options, cancellationToken);
        return Complete(report, statistics.FunctionCount, statistics.ClassCount, options, started);
    }

    /// <summary>Computes the class distribution of every item.</summary>
    /// <param name="matrix">The votes of the functions the model was fitted on.</param>
    /// <returns>One distribution per item.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> has other functions or classes than the fitted model.</exception>
    /// <exception cref="InvalidOperationException">The model has not been fitted.</exception>
    public ClassProbabilities PredictProbabilities(LabelMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        EnsureCompatible(matrix);
        var values = new double[(long)matrix.ItemCount * ClassCount];
        PredictProbabilitiesCore(matrix, values);
        return new ClassProbabilities(matrix.ItemCount, ClassCount, values);
    }

    /// <summary>Computes the class distribution of one item into a buffer.</summary>
    /// <param name="votes">The votes on the item, one per function.</param>
    /// <param name="destination">Receives <see cref="ClassCount"/> probabilities summing to 1.</param>
    /// <exception cref="ArgumentException">The lengths do not match the fitted model.</exception>
    /// <exception cref="InvalidOperationException">The model has not been fitted.</exception>
    public void PredictProbabilities(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        if (_report is null)
        {
            throw NotFitted();
        }

        if (votes.Length != FunctionCount)
        {
            throw new ArgumentException($"The model was fitted on {FunctionCount} functions; {votes.Length} votes were given.", nameof(votes));
        }

        if (destination.Length < ClassCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the model has {ClassCount} classes.", nameof(destination));
        }

        PredictRowCore(votes, destination[..ClassCount]);
    }

    /// <summary>Predicts one class per item.</summary>
    /// <param name="matrix">The votes of the functions the model was fitted on.</param>
    /// <param name="tieBreak">What to do when classes tie; <see cref="TieBreak.Abstain"/> when <see langword="null"/>.</param>
    /// <returns>One class per item, or <see cref="Label.Abstain"/> for a tie under <see cref="TieBreak.Abstain"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> has other functions or classes than the fitted model.</exception>
    /// <exception cref="InvalidOperationException">The model has not been fitted.</exception>
    public int[] Predict(LabelMatrix matrix, TieBreak? tieBreak = null) =>
        PredictProbabilities(matrix).Predict(tieBreak, FitReport.ClassBalance);

    /// <summary>Fits the model; the arguments are already validated.</summary>
    /// <param name="matrix">The votes, with at least one item and one function.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>A report; <see cref="LabelModelFitReport.ModelName"/> and <see cref="LabelModelFitReport.Elapsed"/> are filled in by the caller.</returns>
    protected abstract LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken);

    /// <summary>Fits the model from statistics; the arguments are already validated. By default the model cannot be fitted from statistics.</summary>
    /// <param name="statistics">The statistics, with at least one item.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>A report; <see cref="LabelModelFitReport.ModelName"/> and <see cref="LabelModelFitReport.Elapsed"/> are filled in by the caller.</returns>
    /// <exception cref="NotSupportedException">Always, unless overridden.</exception>
    protected virtual LabelModelFitReport FitCore(LabelStatistics statistics, LabelModelFitOptions options, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The label model '{Name}' cannot be fitted from statistics; fit it on a label matrix.");

    /// <summary>Fits a model that starts from pair counts: computes them in one pass, with the distinct rows (or, when rows barely repeat, the matrix's own rows as <see cref="RowSource"/>) only when the class balance must be estimated from the votes.</summary>
    /// <param name="matrix">The votes.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The report of <see cref="FitCore(LabelStatistics, LabelModelFitOptions, CancellationToken)"/>.</returns>
    private protected LabelModelFitReport FitFromPairCounts(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        DistinctRowTable? rows = null;
        if (ClassBalances.Resolve(options, matrix.ClassCount) is null)
        {
            // The class balance comes from the posteriors over the rows: grouped when they repeat, the matrix's own otherwise.
            rows = DistinctRowTable.BuildIfCompact(matrix);
            RowSource = rows is null ? new MatrixRowChunks(matrix) : null;
        }

        return FitCore(LabelStatistics.Compute(matrix, pairs: true, rows), options, cancellationToken);
    }

    /// <summary>Computes the distribution of one item; the model is fitted and the lengths are checked.</summary>
    /// <param name="votes">The votes on the item.</param>
    /// <param name="destination">Exactly <see cref="ClassCount"/> values to fill, summing to 1.</param>
    protected abstract void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination);

    /// <summary>Computes the distributions of every item; by default one <see cref="PredictRowCore"/> call per row, in parallel for large matrices.</summary>
    /// <param name="matrix">The votes, compatible with the fitted model.</param>
    /// <param name="destination">The <c>n * K</c> values to fill, row by row.</param>
    protected virtual void PredictProbabilitiesCore(LabelMatrix matrix, double[] destination)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(destination);
        int k = ClassCount;
        if (matrix.ItemCount < 16_384)
        {
            for (int i = 0; i < matrix.ItemCount; i++)
            {
                PredictRowCore(matrix.GetRow(i), destination.AsSpan(i * k, k));
            }

            return;
        }

        Parallel.For(0, (matrix.ItemCount + 8191) / 8192, block =>
        {
            int end = Math.Min(matrix.ItemCount, (block + 1) * 8192);
            for (int i = block * 8192; i < end; i++)
            {
                PredictRowCore(matrix.GetRow(i), destination.AsSpan(i * k, k));
            }
        });
    }

    private LabelModelFitReport Complete(LabelModelFitReport report, int functionCount, int classCount, LabelModelFitOptions options, long started)
    {
        ClassCount = classCount;
        FunctionCount = functionCount;
        _report = report with { ModelName = Name };
        if (options.DevMatrix is { } devMatrix && options.DevLabels is { } devLabels && ScoresOnDevSplit)
        {
            double score = report.DevScore ?? DevScoring.Score(PredictProbabilities(devMatrix), devLabels, options.Metric);
            double majority = DevScoring.Score(DevScoring.MajorityVote(devMatrix), devLabels, options.Metric);
            List<string> warnings = [.. report.Warnings];
            if (score < majority && Name != MajorityVoteLabelModel.ModelName && report.Selected != MajorityVoteLabelModel.ModelName)
            {
                warnings.Add(
                    string.Create(CultureInfo.InvariantCulture, $"On the labeled dev items, '{Name}' scores {score:0.000} ({options.Metric}), below majority vote's {majority:0.000}; prefer 'majority' or 'auto' unless there is a reason to trust this model."));
            }

            _report = _report with { DevScore = score, Warnings = warnings };
        }

        _report = _report with { Elapsed = Stopwatch.GetElapsedTime(started) };
        return _report;
    }

    private void EnsureCompatible(LabelMatrix matrix)
    {
        if (_report is null)
        {
            throw NotFitted();
        }

        if (matrix.FunctionCount != FunctionCount || matrix.ClassCount != ClassCount)
        {
            throw new ArgumentException(
                $"The model '{Name}' was fitted on {FunctionCount} functions and {ClassCount} classes; the matrix has {matrix.FunctionCount} and {matrix.ClassCount}.",
                nameof(matrix));
        }
    }

    private InvalidOperationException NotFitted() =>
        new($"The label model '{Name}' has not been fitted; call Fit first.");
}
