namespace Alchemist;

/// <summary>An <see cref="ILabelingBackend"/> that can also label the items of a streamed job (<see cref="LabelingJob{TItem}.Source"/>) as they are read, without holding them all.</summary>
/// <remarks>
/// <para>
/// A streamed job may name a backend only when it implements this interface; the pipeline refuses any other before any
/// work. The run reads the job's source once for the backend and gives it the items in order through
/// <see cref="ApplyStreamingAsync"/>; the backend cuts them into shards, labels them where it runs programs, and
/// yields each shard's votes as it comes back. The run writes them into its one label matrix, sized once for the
/// source's count, so what the run holds is that matrix and what the backend keeps in flight, not the items.
/// </para>
/// <para>
/// The run's labels depend only on the votes: a backend whose shards hold the votes <see cref="LabelingFunctionApplier"/>
/// gives the same labels as a run without it, streamed or not.
/// </para>
/// </remarks>
public interface IStreamingLabelingBackend : ILabelingBackend
{
    /// <summary>Applies programs to items read as they come, yielding the votes shard by shard.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="programs">The kept programs, one column each, in order.</param>
    /// <param name="items">The items, read once, in order; item <c>i</c> is row <c>i</c> of the run's matrix.</param>
    /// <param name="classCount">The number of classes of the task; votes are in <c>-1..classCount-1</c>.</param>
    /// <param name="cancellationToken">Cancels the reading and the labeling.</param>
    /// <returns>
    /// The shards' votes, in any order (typically as they complete); together they cover every item exactly once,
    /// each with one column per program. The enumeration ends when every item read has been labeled.
    /// </returns>
    /// <remarks>
    /// An implementation should bound how many items it holds (the shards in flight), and keep a shard's items until its
    /// votes are back, so that a shard whose call was lost can be issued again. Stopping the enumeration early (disposing
    /// it) stops the work.
    /// </remarks>
    /// <exception cref="NotSupportedException">The backend cannot label items of type <typeparamref name="TItem"/>.</exception>
    IAsyncEnumerable<LabeledShard> ApplyStreamingAsync<TItem>(
        IReadOnlyList<LabelingProgram> programs,
        IAsyncEnumerable<TItem> items,
        int classCount,
        CancellationToken cancellationToken = default);
}
