namespace Alchemist;

/// <summary>Represents the votes of programs on one shard of a streamed job's items: consecutive items from <see cref="FirstItem"/> on, as an <see cref="IStreamingLabelingBackend"/> yields them.</summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class LabeledShard
{
    /// <summary>Initializes a new instance of the <see cref="LabeledShard"/> class.</summary>
    /// <param name="firstItem">The index, in the job's items, of the shard's first item (row 0 of <paramref name="votes"/>).</param>
    /// <param name="votes">The votes, one row per item of the shard in order, one column per program.</param>
    /// <param name="faults">Each program's faults on the shard, in column order; <see cref="LabelingFunctionFaults.FirstError"/> names the item by its index in the job, not in the shard.</param>
    /// <exception cref="ArgumentNullException"><paramref name="votes"/> or <paramref name="faults"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstItem"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="faults"/> does not hold one entry per column of <paramref name="votes"/>.</exception>
    public LabeledShard(long firstItem, LabelMatrix votes, IReadOnlyList<LabelingFunctionFaults> faults)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstItem);
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(faults);
        if (faults.Count != votes.FunctionCount)
        {
            throw new ArgumentException($"{faults.Count} fault entries were given for {votes.FunctionCount} columns; give one per column.", nameof(faults));
        }

        FirstItem = firstItem;
        Votes = votes;
        Faults = faults;
    }

    /// <summary>Gets the index, in the job's items, of the shard's first item.</summary>
    public long FirstItem { get; }

    /// <summary>Gets the votes, one row per item of the shard in order, one column per program.</summary>
    public LabelMatrix Votes { get; }

    /// <summary>Gets each program's faults on the shard, in column order.</summary>
    public IReadOnlyList<LabelingFunctionFaults> Faults { get; }
}
