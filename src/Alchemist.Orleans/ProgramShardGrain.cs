using System.Globalization;
using System.Text.RegularExpressions;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace Alchemist;

/// <summary>Labels one shard of a run's items with the run's kept programs, compiled once per silo by the <see cref="ShardProgramCache"/>.</summary>
/// <remarks>
/// The shard is a deterministic function of its items and programs: every cell depends only on its item and program,
/// and the applier's quarantine is decided between its chunks, so running a shard again anywhere gives the same votes.
/// The grain keeps nothing once it has answered.
/// </remarks>
[RandomPlacement]
internal sealed partial class ProgramShardGrain(ShardProgramCache programs, ILocalSiloDetails silo) : Grain, IProgramShardGrain
{
    /// <inheritdoc />
    public Task<ShardVotes> ApplyAsync(ShardWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ILabelingFunction<string>[] functions = [.. work.Programs.Select(programs.Get)];
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = work.QuarantineFaultRate });
        LabelingResult result = applier.Apply(work.Items, functions, work.ClassCount);
        ShardFaults[] faults = [.. result.Faults.Select(f => new ShardFaults(f.ItemsSeen, f.Exceptions, f.InvalidVotes, f.Quarantined, RunItemIndex(f.FirstError, work.FirstItem)))];
        DeactivateOnIdle();
        return Task.FromResult(new ShardVotes(result.Matrix.AsSpan().ToArray(), faults, silo.SiloAddress.ToString()));
    }

    /// <summary>Gives a fault message the run's item index instead of the shard's, as a single-process run words it.</summary>
    internal static string? RunItemIndex(string? message, long firstItem) =>
        message is null || firstItem == 0
            ? message
            : ItemIndex().Replace(message, m => "on item " + (long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) + firstItem).ToString(CultureInfo.InvariantCulture), 1);

    [GeneratedRegex(@"on item (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ItemIndex();
}
