using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace Alchemist;

/// <summary>Labels one shard of a run's items with the run's kept programs (compiled once per silo by the <see cref="ShardProgramCache"/>) and keeps the votes in the activation until the run releases it.</summary>
/// <remarks>
/// The votes are a deterministic function of the shard's items and programs (and of the extra column: computed by the
/// coordinator from the items, or predicted here from the shipped model it names), so a shard labeled again anywhere has the same rows. The activation is kept through idle
/// periods of up to two hours (the run's label-model fit and end-model training happen between its two calls); one
/// collected sooner, or lost with its silo, holds no votes, and the coordinator labels the shard again.
/// </remarks>
[RandomPlacement]
[CollectionAgeLimit(Hours = 2)]
internal sealed class VoteShardGrain(ShardProgramCache programs, ShardModelCache models, ILocalSiloDetails silo) : Grain, IVoteShardGrain
{
    private sbyte[]? _votes;
    private DistinctRowTable? _rows;

    /// <inheritdoc />
    public async Task<ShardRows> ApplyAsync(KeptShardWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ShardWork shard = work.Work;
        sbyte[]? extraColumn = work.ExtraColumn;
        if (work.ExtraColumnModelHash is { } hash)
        {
            // The extra column is the shipped model's votes, predicted here as the coordinator would (ties to the lowest class).
            if (await models.GetAsync(hash, work.ExtraColumnModel).ConfigureAwait(true) is not { } model)
            {
                return new ShardRows(0, [], [], 0, [], silo.SiloAddress.ToString()) { NeedsExtraColumnModel = true };
            }

            ClassProbabilities p = await model.PredictProbabilitiesAsync(shard.Items).ConfigureAwait(true);
            int[] predicted = p.Predict(TieBreak.ClassPrior);
            extraColumn = new sbyte[predicted.Length];
            for (int i = 0; i < predicted.Length; i++)
            {
                extraColumn[i] = predicted[i] >= Label.Abstain && predicted[i] < shard.ClassCount
                    ? (sbyte)predicted[i]
                    : throw new InvalidOperationException($"The extra column's model voted {predicted[i]}; votes must be -1 (abstain) or a class index in 0..{shard.ClassCount - 1}.");
            }
        }

        ILabelingFunction<string>[] functions = [.. shard.Programs.Select(programs.Get)];
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = shard.QuarantineFaultRate });
        LabelingResult result = applier.Apply(shard.Items, functions, shard.ClassCount);
        int n = shard.Items.Length;
        int m = functions.Length;
        int width = m + (extraColumn is null ? 0 : 1);
        sbyte[] votes;
        if (extraColumn is not { } extra)
        {
            votes = result.Matrix.AsSpan().ToArray();
        }
        else
        {
            if (extra.Length != n)
            {
                throw new InvalidOperationException($"The extra column has {extra.Length} votes for {n} items.");
            }

            votes = new sbyte[(long)n * width];
            for (int i = 0; i < n; i++)
            {
                result.Matrix.GetRow(i).CopyTo(votes.AsSpan(i * width, m));
                votes[(i * width) + m] = extra[i];
            }
        }

        // The rows of the shard's items among the run's first PrefixItems are added first, and counted.
        int prefix = (int)Math.Clamp(work.PrefixItems - shard.FirstItem, 0, n);
        var rows = new DistinctRowTable(width, n);
        rows.AddRows(votes.AsSpan(0, prefix * width));
        int prefixRows = rows.Count;
        rows.AddRows(votes.AsSpan(prefix * width));
        _votes = votes;
        _rows = rows;

        var distinct = new sbyte[(long)rows.Count * width];
        var weights = new long[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            rows.GetRow(r).CopyTo(distinct.AsSpan(r * width, width));
            weights[r] = rows.GetWeight(r);
        }

        ShardFaults[] faults = [.. result.Faults.Select(f => new ShardFaults(f.ItemsSeen, f.Exceptions, f.InvalidVotes, f.Quarantined, ProgramShardGrain.RunItemIndex(f.FirstError, shard.FirstItem)))];
        return new ShardRows(width, distinct, weights, prefixRows, faults, silo.SiloAddress.ToString());
    }

    /// <inheritdoc />
    public Task<ShardSample?> SampleAsync(bool[] keptRows, int[] ordinals)
    {
        ArgumentNullException.ThrowIfNull(keptRows);
        ArgumentNullException.ThrowIfNull(ordinals);
        if (_votes is not { } votes || _rows is not { } rows)
        {
            return Task.FromResult<ShardSample?>(null);
        }

        if (keptRows.Length != rows.Count)
        {
            throw new InvalidOperationException($"{keptRows.Length} kept-row flags were given for the shard's {rows.Count} distinct rows.");
        }

        int width = rows.Width;
        int n = votes.Length / width;
        var offsets = new int[ordinals.Length];
        var found = new int[ordinals.Length];
        int next = 0;
        int ordinal = 0;
        for (int i = 0; i < n && next < ordinals.Length; i++)
        {
            int r = rows.IndexOf(votes.AsSpan(i * width, width));
            if (!keptRows[r])
            {
                continue;
            }

            if (ordinals[next] == ordinal)
            {
                offsets[next] = i;
                found[next] = r;
                next++;
            }

            ordinal++;
        }

        return Task.FromResult<ShardSample?>(next == ordinals.Length
            ? new ShardSample(offsets, found)
            : throw new InvalidOperationException($"The shard has {ordinal} kept items; ordinal {ordinals[next]} was asked."));
    }

    /// <inheritdoc />
    public Task<sbyte[]?> VotesAsync() => Task.FromResult(_votes);

    /// <inheritdoc />
    public Task ReleaseAsync()
    {
        _votes = null;
        _rows = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
