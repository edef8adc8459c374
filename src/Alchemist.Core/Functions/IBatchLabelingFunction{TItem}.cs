namespace Alchemist;

/// <summary>A labeling function whose votes come a batch at a time rather than one call per item, such as a program that runs in a sandbox worker process.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// <see cref="LabelingFunctionApplier"/> recognizes it and, for each chunk, hands all such functions that share a
/// <see cref="Batcher"/> to it in one call, instead of calling <see cref="ILabelingFunction{TItem}.Apply"/> per item.
/// The votes and fault counts must be those the per-item calls would give.
/// </remarks>
internal interface IBatchLabelingFunction<TItem> : ILabelingFunction<TItem>
{
    /// <summary>Gets what labels this function's batches.</summary>
    IProgramBatcher<TItem> Batcher { get; }
}

/// <summary>Labels a batch of items with several <see cref="IBatchLabelingFunction{TItem}"/> at once.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal interface IProgramBatcher<TItem>
{
    /// <summary>Labels <c>items[start..start+count)</c> with each function.</summary>
    /// <param name="items">The items.</param>
    /// <param name="start">The first item of the batch.</param>
    /// <param name="count">The number of items.</param>
    /// <param name="firstItem">The index of <c>items[start]</c> in the whole application, for messages.</param>
    /// <param name="functions">The functions, all of this batcher.</param>
    /// <param name="faultDetails">How many faults per function to describe, in item order.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>One result per function, in order.</returns>
    BatchVotes[] LabelBatch(IReadOnlyList<TItem> items, int start, int count, long firstItem, IReadOnlyList<IBatchLabelingFunction<TItem>> functions, int faultDetails, CancellationToken cancellationToken);
}

/// <summary>The votes of one function on a batch, and its faults.</summary>
/// <param name="Votes">What each call returned, or <see cref="Label.Abstain"/> where it threw (unchecked against the class count).</param>
internal sealed record BatchVotes(int[] Votes)
{
    /// <summary>Gets the number of calls that threw.</summary>
    public int Exceptions { get; init; }

    /// <summary>Gets the first faults (calls that threw), in item order: their index in the batch, the exception's type name and its shortened message.</summary>
    public IReadOnlyList<FaultDetail> Faults { get; init; } = [];

    /// <summary>Gets why the function was quarantined during this batch (it killed or exhausted its worker), or <see langword="null"/>; its votes are then all abstains.</summary>
    public string? QuarantineReason { get; init; }
}
