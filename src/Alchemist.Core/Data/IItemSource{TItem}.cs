namespace Alchemist;

/// <summary>Represents items that are read, not held: every call to <see cref="ReadAsync"/> reads them again from the start, in the same order, each with its id.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// <para>
/// A labeling job built from a source (<see cref="LabelingJob{TItem}(LabelingTask, IItemSource{TItem}, ILabelSink)"/>)
/// reads it several times, chunk by chunk, and never holds every item at once: to count the items, to take the gate's
/// sample, to apply the programs, for the seed-model voter, to gather the end model's training sample and to predict.
/// </para>
/// <para>
/// The items must not change between reads. The pipeline checks that every whole read gives the same ids and items (a
/// count and a fingerprint) and fails with an <see cref="InvalidOperationException"/> when one does not; the file
/// sources of <see cref="ItemSource"/> also refuse a file whose length or write time changed since the first read.
/// </para>
/// <para>Implementations must allow a new read while an earlier one is still open (each read is independent).</para>
/// </remarks>
public interface IItemSource<TItem>
{
    /// <summary>Reads the items from the start, in order, each with its id.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The items with their ids.</returns>
    IAsyncEnumerable<SourceItem<TItem>> ReadAsync(CancellationToken cancellationToken = default);
}
