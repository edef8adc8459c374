namespace Alchemist;

/// <summary>Represents the outcome of applying labeling functions to items: the label matrix and each function's faults.</summary>
public sealed class LabelingResult
{
    internal LabelingResult(LabelMatrix matrix, IReadOnlyList<LabelingFunctionFaults> faults, TimeSpan elapsed)
    {
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
