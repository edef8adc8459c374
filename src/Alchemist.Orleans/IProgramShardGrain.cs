using Orleans;

namespace Alchemist;

/// <summary>A shard of a run's items: compiles the run's kept programs (once per silo) and labels the shard's items with them.</summary>
/// <remarks>Each attempt at a shard is a grain of its own (its key names the run, the shard and the attempt), so a shard whose silo was lost runs again wherever placement puts the new attempt.</remarks>
[Alias("alchemist.IProgramShardGrain")]
internal interface IProgramShardGrain : IGrainWithStringKey
{
    /// <summary>Labels the shard's items with the programs.</summary>
    /// <param name="work">The programs, the items and how to apply them.</param>
    /// <returns>The votes, row-major, and each program's faults.</returns>
    [Alias("ApplyAsync")]
    Task<ShardVotes> ApplyAsync(ShardWork work);
}
