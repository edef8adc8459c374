namespace Alchemist;

/// <summary>
/// A streaming backend that can leave the votes where they were made (on a cluster's silos) and return only each
/// shard's distinct vote rows with their counts, the mergeable statistics a label model is fitted from; a second call
/// per shard finds the items of the end model's training sample. A streamed run with such a backend, when
/// <see cref="KeepsVotes"/>, holds no per-item array of votes (see docs/orleans.md).
/// </summary>
/// <remarks>Internal: the seam between Core and <c>Alchemist.Orleans</c>, which sees it as a friend assembly.</remarks>
internal interface IVoteKeepingBackend
{
    /// <summary>Gets a value indicating whether runs should keep their votes on the backend (the opt-in).</summary>
    bool KeepsVotes { get; }

    /// <summary>Pass one: applies the programs to the items, shard by shard; each shard keeps its votes (with one more column, when given) and returns its distinct rows.</summary>
    /// <param name="programs">The kept programs, one column each, in order.</param>
    /// <param name="read">Reads the items, in order, each time it is called (a lost shard's items are read again).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="extraColumn">Computes one more column for a shard's items (the seed model's votes) where the items are read, or <see langword="null"/> for none; it must be a function of the items alone.</param>
    /// <param name="extraColumnModel">The model behind <paramref name="extraColumn"/>, shipped, or <see langword="null"/>: a backend that predicts where its shards run may compute the column there instead (the model's most probable class, ties to the lowest class index, as <see cref="TieBreak.ClassPrior"/> without a prior), and not call <paramref name="extraColumn"/>.</param>
    /// <param name="prefixItems">The number of first items of the run whose distinct rows are counted apart (<see cref="KeptShard.PrefixRows"/>).</param>
    /// <param name="progress">Receives the items labeled so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The shards, in item order; the caller releases them (<see cref="IAsyncDisposable.DisposeAsync"/>).</returns>
    Task<IKeptVotes> ApplyKeepingVotesAsync(
        IReadOnlyList<LabelingProgram> programs,
        Func<CancellationToken, IAsyncEnumerable<string>> read,
        int classCount,
        Func<string[], CancellationToken, Task<int[]>>? extraColumn,
        ShippedEndModel? extraColumnModel,
        int prefixItems,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken);
}

/// <summary>The votes of a run kept shard by shard on a backend.</summary>
internal interface IKeptVotes : IAsyncDisposable
{
    /// <summary>Gets the shards, in item order.</summary>
    IReadOnlyList<KeptShard> Shards { get; }

    /// <summary>Finds a shard's sampled items: the items whose rows are kept, counted in item order from 0, at the given ordinals.</summary>
    /// <param name="shard">The shard's index in <see cref="Shards"/>.</param>
    /// <param name="keptRows">Whether each of the shard's distinct rows (<see cref="KeptShard.Rows"/>, in its order) is kept.</param>
    /// <param name="ordinals">The ordinals among the shard's kept items, ascending.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each ordinal's item (its offset in the shard) and distinct row (its index in the shard's rows).</returns>
    Task<(int[] Offsets, int[] Rows)> SampleAsync(int shard, bool[] keptRows, int[] ordinals, CancellationToken cancellationToken);

    /// <summary>Gets a shard's votes, for a run that gathers them after all (they barely repeat): a lost shard is labeled again from the source first.</summary>
    /// <param name="shard">The shard's index in <see cref="Shards"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The shard's votes row by row, <see cref="KeptShard.Width"/> per item: the programs' columns, then the extra column, if any.</returns>
    Task<sbyte[]> VotesAsync(int shard, CancellationToken cancellationToken);
}

/// <summary>What one shard returns from pass one: its distinct vote rows with their counts, in order of first occurrence, and the programs' faults.</summary>
/// <param name="FirstItem">The run's index of the shard's first item.</param>
/// <param name="ItemCount">The shard's number of items.</param>
/// <param name="Width">The number of votes per row: the programs, and the extra column when there is one.</param>
/// <param name="Rows">The distinct rows, back to back, in order of first occurrence in the shard.</param>
/// <param name="Weights">The number of the shard's items with each row.</param>
/// <param name="PrefixRows">How many of <paramref name="Rows"/> first occur among the shard's items that are among the run's first <c>prefixItems</c>.</param>
/// <param name="Faults">Each program's faults on the shard, with the run's item indices in the first error.</param>
internal sealed record KeptShard(long FirstItem, int ItemCount, int Width, sbyte[] Rows, long[] Weights, int PrefixRows, IReadOnlyList<LabelingFunctionFaults> Faults);
