using Orleans;

namespace Alchemist;

/// <summary>A kept program as it travels to a silo: its name, its C# source and the content hash the silo checks the source against.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardProgram")]
internal sealed record ShardProgram([property: Id(0)] string Name, [property: Id(1)] string Source, [property: Id(2)] string ContentHash);

/// <summary>What a shard grain is asked to do: label <see cref="Items"/> (the run's items from <see cref="FirstItem"/> on) with <see cref="Programs"/>.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardWork")]
internal sealed record ShardWork(
    [property: Id(0)] ShardProgram[] Programs,
    [property: Id(1)] string[] Items,
    [property: Id(2)] int ClassCount,
    [property: Id(3)] double? QuarantineFaultRate,
    [property: Id(4)] long FirstItem);

/// <summary>A program's faults on one shard.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardFaults")]
internal sealed record ShardFaults(
    [property: Id(0)] long ItemsSeen,
    [property: Id(1)] long Exceptions,
    [property: Id(2)] long InvalidVotes,
    [property: Id(3)] bool Quarantined,
    [property: Id(4)] string? FirstError);

/// <summary>A shard's votes (<c>items x programs</c>, row-major) and each program's faults, with the silo that labeled it.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardVotes")]
internal sealed record ShardVotes([property: Id(0)] sbyte[] Votes, [property: Id(1)] ShardFaults[] Faults, [property: Id(2)] string Silo);

/// <summary>What a shard grain that keeps its votes is asked to do: label <see cref="Work"/>'s items, add <see cref="ExtraColumn"/> as one more column, keep the votes, and return the distinct rows.</summary>
[GenerateSerializer]
[Alias("alchemist.KeptShardWork")]
internal sealed record KeptShardWork(
    [property: Id(0)] ShardWork Work,
    [property: Id(1)] sbyte[]? ExtraColumn,
    [property: Id(2)] int PrefixItems)
{
    /// <summary>Gets the SHA-256 of the end model whose predictions are the extra column, computed on the silo (instead of <see cref="ExtraColumn"/>), or <see langword="null"/>.</summary>
    [Id(3)]
    public string? ExtraColumnModelHash { get; init; }

    /// <summary>Gets that model's bytes, sent only when the silo answered that it does not have it.</summary>
    [Id(4)]
    public byte[]? ExtraColumnModel { get; init; }
}

/// <summary>A shard's distinct vote rows (back to back, in order of first occurrence) with their counts, how many of them first occur among the run's first items, and each program's faults.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardRows")]
internal sealed record ShardRows(
    [property: Id(0)] int Width,
    [property: Id(1)] sbyte[] Rows,
    [property: Id(2)] long[] Weights,
    [property: Id(3)] int PrefixRows,
    [property: Id(4)] ShardFaults[] Faults,
    [property: Id(5)] string Silo)
{
    /// <summary>Gets a value indicating whether the silo did nothing because it does not have the extra column's model: the same grain is to be sent its bytes.</summary>
    [Id(6)]
    public bool NeedsExtraColumnModel { get; init; }
}

/// <summary>The items of a shard at the sampled ordinals: each one's offset in the shard and its distinct row's index in the shard's rows.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardSample")]
internal sealed record ShardSample([property: Id(0)] int[] Offsets, [property: Id(1)] int[] Rows);

/// <summary>What a prediction shard grain is asked to do: predict <see cref="Items"/> with the end model named by <see cref="ModelHash"/>, whose bytes come along (<see cref="Model"/>) only when the silo asked for them.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardPrediction")]
internal sealed record ShardPrediction(
    [property: Id(0)] string ModelHash,
    [property: Id(1)] byte[]? Model,
    [property: Id(2)] string[] Items,
    [property: Id(3)] int ClassCount);

/// <summary>A shard's class probabilities (<c>items x classes</c>, row-major), or <see langword="null"/> when the silo does not have the model and it was not sent; with the silo that answered.</summary>
[GenerateSerializer]
[Alias("alchemist.ShardProbabilities")]
internal sealed record ShardProbabilities([property: Id(0)] double[]? Values, [property: Id(1)] string Silo);
