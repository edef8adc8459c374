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
