namespace Alchemist;

/// <summary>How a streamed run (<see cref="LabelingJob{TItem}.Source"/>) gives concept programs their scores: the applier reads the items through the run's concept scores, which score each block as it is read, so a program still only looks its item up.</summary>
internal static class StreamedConcepts
{
    /// <summary>Gets how the applier of this process reads a streamed run's items: through the concept scores (<see cref="ConceptScores{TItem}.StreamAsync"/>) when a kept program reads them, else as they are.</summary>
    /// <param name="streamed">The run's items.</param>
    /// <param name="scores">The run's concept scores, or <see langword="null"/>.</param>
    /// <param name="kept">The kept functions and programs.</param>
    /// <param name="applier">The applier; its chunk size is the block size, so every item it holds is in one of the two blocks the scores keep.</param>
    public static Func<CancellationToken, IAsyncEnumerable<TItem>> ApplierRead<TItem>(
        StreamedItems<TItem> streamed, ConceptScores<TItem>? scores, IReadOnlyList<GateDecision<TItem>> kept, LabelingFunctionApplier applier)
    {
        if (scores is null || !kept.Any(d => ConceptGateCompiler.PhrasesOf(d.Function) is not null))
        {
            return streamed.ItemsAsync;
        }

        int blockSize = applier.Options.ChunkSize;
        return cancellationToken => scores.StreamAsync(streamed.ItemsAsync(cancellationToken), blockSize, cancellationToken);
    }
}
