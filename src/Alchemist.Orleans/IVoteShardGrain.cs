using Orleans;

namespace Alchemist;

/// <summary>A shard of a run's items whose votes stay on its silo: it labels the items, keeps the votes, and returns their distinct rows; later it finds the items of the end model's sample among them.</summary>
/// <remarks>Each attempt at a shard is a grain of its own (its key names the run, the shard and the attempt). An activation that holds no votes (its silo was lost, or it was collected) answers <see cref="SampleAsync"/> with <see langword="null"/>, and the shard is labeled again as a new attempt.</remarks>
[Alias("alchemist.IVoteShardGrain")]
internal interface IVoteShardGrain : IGrainWithStringKey
{
    /// <summary>Labels the shard's items, keeps the votes, and returns their distinct rows.</summary>
    [Alias("ApplyAsync")]
    Task<ShardRows> ApplyAsync(KeptShardWork work);

    /// <summary>Finds the items at the given ordinals among the shard's items whose rows are kept.</summary>
    /// <param name="keptRows">Whether each of the shard's distinct rows is kept.</param>
    /// <param name="ordinals">The ordinals, ascending.</param>
    /// <returns>The items found, or <see langword="null"/> when this activation holds no votes.</returns>
    [Alias("SampleAsync")]
    Task<ShardSample?> SampleAsync(bool[] keptRows, int[] ordinals);

    /// <summary>Gets the shard's votes, row by row (the programs' columns and the extra column, if any), for a run that gathers them after all (they barely repeat).</summary>
    /// <returns>The votes, or <see langword="null"/> when this activation holds none.</returns>
    [Alias("VotesAsync")]
    Task<sbyte[]?> VotesAsync();

    /// <summary>Drops the votes and lets the activation go.</summary>
    [Alias("ReleaseAsync")]
    Task ReleaseAsync();
}
