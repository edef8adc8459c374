namespace Alchemist;

/// <summary>Represents where a streamed run (<see cref="LabelingJob{TItem}.Source"/>) writes its final labels as they are made, chunk after chunk in item order.</summary>
/// <remarks>
/// The pipeline calls <see cref="WriteAsync"/> once per chunk, never concurrently, in the source's order, with every
/// item exactly once; each call may come from a different thread-pool thread (a chunk is written while the next one is
/// predicted), so a sink must not rely on thread affinity. A streamed run's <see cref="LabelingRun"/> holds no per-item label (see
/// <see cref="LabelingRun.LabelsStreamed"/>), so the sink is the only place the labels go.
/// </remarks>
public interface ILabelSink
{
    /// <summary>Writes the final labels and class distributions of one chunk of items.</summary>
    /// <param name="chunk">The chunk; valid only during the call (copy what is kept).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the chunk is written.</returns>
    ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default);
}
