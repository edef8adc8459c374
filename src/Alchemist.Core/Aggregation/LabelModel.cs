using System.Diagnostics;

namespace Alchemist;

/// <summary>Aggregates the noisy votes of labeling functions into a probability for each class of each item.</summary>
/// <remarks>
/// <para>
/// Call <see cref="Fit"/> once, then <see cref="PredictProbabilities(LabelMatrix)"/> or <see cref="Predict"/> on any matrix
/// with the same functions and classes. A fitted model is read-only, so prediction is thread-safe; fitting is not,
/// and must not overlap any other call on the same instance.
/// </para>
/// <para>
/// Implementations override <see cref="FitCore"/> and <see cref="PredictRowCore"/>; this class validates the
/// arguments, times the fit and enforces the fitted state.
/// </para>
/// </remarks>
public abstract class LabelModel
{
    private LabelModelFitReport? _report;

    /// <summary>Gets the name of the model, as the catalog and the CLI know it, for example <c>"majority"</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a value indicating whether the model has been fitted.</summary>
    public bool IsFitted => _report is not null;

    /// <summary>Gets the number of classes the model was fitted for, or 0 before <see cref="Fit"/>.</summary>
    public int ClassCount { get; private set; }

    /// <summary>Gets the number of labeling functions the model was fitted for, or 0 before <see cref="Fit"/>.</summary>
    public int FunctionCount { get; private set; }

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
    public LabelModelFitReport Fit(LabelMatrix matrix, LabelModelFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.ItemCount == 0 || matrix.FunctionCount == 0)
        {
            throw new ArgumentException($"A label model needs at least one item and one labeling function; the matrix is {matrix.ItemCount} x {matrix.FunctionCount}.", nameof(matrix));
        }

        options ??= new LabelModelFitOptions();
        options.Validate(matrix, nameof(options));
        cancellationToken.ThrowIfCancellationRequested();

        long started = Stopwatch.GetTimestamp();
        LabelModelFitReport report = FitCore(matrix, options, cancellationToken);
        ClassCount = matrix.ClassCount;
        FunctionCount = matrix.FunctionCount;
        _report = report with { ModelName = Name, Elapsed = Stopwatch.GetElapsedTime(started) };
        return _report;
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
