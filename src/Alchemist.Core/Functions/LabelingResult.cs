namespace Alchemist;

/// <summary>Represents the outcome of applying labeling functions to items: the label matrix and each function's faults.</summary>
public sealed class LabelingResult
{
    /// <summary>Initializes a new instance of the <see cref="LabelingResult"/> class, for an <see cref="ILabelingBackend"/> that applied functions elsewhere.</summary>
    /// <param name="matrix">The votes, one row per item in input order, one column per function.</param>
    /// <param name="faults">The faults of each function, in column order.</param>
    /// <param name="elapsed">The wall-clock time the application took.</param>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> or <paramref name="faults"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="faults"/> does not hold one entry per column of <paramref name="matrix"/>.</exception>
    public LabelingResult(LabelMatrix matrix, IReadOnlyList<LabelingFunctionFaults> faults, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(faults);
        if (faults.Count != matrix.FunctionCount)
        {
            throw new ArgumentException($"{faults.Count} fault entries were given for {matrix.FunctionCount} columns; give one per column.", nameof(faults));
        }

        Matrix = matrix;
        Faults = faults;
        Elapsed = elapsed;
    }

    /// <summary>Gets the votes, one row per item in input order, one column per function.</summary>
    public LabelMatrix Matrix { get; }

    /// <summary>Gets the faults of each function, in column order.</summary>
    public IReadOnlyList<LabelingFunctionFaults> Faults { get; }

    /// <summary>Gets the wall-clock time the application took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets the total number of faults over all functions.</summary>
    public long TotalFaults => Faults.Sum(f => f.Total);
}
