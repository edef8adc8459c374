namespace Alchemist;

/// <summary>
/// What the coordinator of a run whose votes stayed on the backend (<see cref="IVoteKeepingBackend"/>) holds of them:
/// the shards' distinct rows merged in shard order, which are the run's matrix's grouped rows
/// (<see cref="DistinctRowTable.BuildIfCompact(LabelMatrix)"/>) in the same order, first occurrence, with the same
/// counts; and, per shard, the index of each of its rows in the merged table. Nothing per item.
/// </summary>
internal sealed class KeptVoteTable
{
    private readonly int[][] _shardRows;
    private readonly int _programs;

    private KeptVoteTable(DistinctRowTable rows, int[][] shardRows, int programs)
    {
        Rows = rows;
        _shardRows = shardRows;
        _programs = programs;
    }

    /// <summary>The number of first items whose distinct rows decide whether a matrix's rows are grouped, as in <see cref="DistinctRowTable.BuildIfCompact(LabelMatrix)"/>.</summary>
    public const int CompactSample = 1 << 16;

    /// <summary>Gets the merged distinct rows, programs' columns and then the extra column, if any.</summary>
    public DistinctRowTable Rows { get; }

    /// <summary>Merges the shards' rows in shard order.</summary>
    /// <param name="shards">The shards, in item order.</param>
    /// <param name="itemCount">The run's number of items.</param>
    /// <param name="programs">The number of programs' columns (the rows may have one more).</param>
    /// <exception cref="InvalidOperationException">The shards do not cover the items once, in order.</exception>
    /// <remarks>Call <see cref="CountIfBarelyRepeating"/> first: rows that barely repeat are gathered into a matrix instead.</remarks>
    public static KeptVoteTable Merge(IReadOnlyList<KeptShard> shards, int itemCount, int programs)
    {
        int width = shards.Count > 0 ? shards[0].Width : programs;
        var rows = new DistinctRowTable(width);
        var shardRows = new int[shards.Count][];
        long next = 0;
        for (int s = 0; s < shards.Count; s++)
        {
            KeptShard shard = shards[s];
            if (shard.FirstItem != next || shard.Width != width || shard.Rows.Length != (long)shard.Weights.Length * width || shard.Weights.Sum() != shard.ItemCount)
            {
                throw new InvalidOperationException($"The backend returned shard {s} from item {shard.FirstItem} ({shard.ItemCount} items, {shard.Weights.Length} rows of {shard.Width}); the next item is {next} and rows have {width} votes.");
            }

            var map = new int[shard.Weights.Length];
            for (int r = 0; r < map.Length; r++)
            {
                ReadOnlySpan<sbyte> row = shard.Rows.AsSpan(r * width, width);
                map[r] = rows.AddAt(row, shard.Weights[r]);
            }

            shardRows[s] = map;
            next += shard.ItemCount;
        }

        if (next != itemCount)
        {
            throw new InvalidOperationException($"The backend returned shards for {next} items; the run has {itemCount}.");
        }

        return new KeptVoteTable(rows, shardRows, programs);
    }

    /// <summary>
    /// Counts the distinct rows among the run's first <see cref="CompactSample"/> items (each shard's
    /// <see cref="KeptShard.PrefixRows"/>, merged), the test of <see cref="DistinctRowTable.BuildIfCompact(LabelMatrix)"/>
    /// on the same items: when the run has more items and more than half of these rows are distinct, a run with the
    /// matrix fits its label model on the rows themselves, not on distinct rows, so the fits from the merged rows could
    /// differ.
    /// </summary>
    /// <param name="shards">The shards, in item order.</param>
    /// <param name="itemCount">The run's number of items.</param>
    /// <returns>The number of distinct rows among the first items when the votes barely repeat; otherwise <see langword="null"/>.</returns>
    public static int? CountIfBarelyRepeating(IReadOnlyList<KeptShard> shards, int itemCount)
    {
        if (itemCount <= CompactSample || shards.Count == 0)
        {
            return null;
        }

        int width = shards[0].Width;
        var prefix = new DistinctRowTable(width);
        foreach (KeptShard shard in shards)
        {
            if (shard.PrefixRows == 0)
            {
                break;
            }

            for (int r = 0; r < shard.PrefixRows; r++)
            {
                prefix.Add(shard.Rows.AsSpan(r * width, width), 1);
            }
        }

        return prefix.Count > CompactSample / 2 ? prefix.Count : null;
    }

    /// <summary>Sums each program's faults over the shards; the first error is the lowest shard's that has one, as in a single-process run.</summary>
    public static LabelingFunctionFaults[] MergeFaults(IReadOnlyList<KeptShard> shards, IReadOnlyList<string> names)
    {
        var faults = new LabelingFunctionFaults[names.Count];
        for (int j = 0; j < faults.Length; j++)
        {
            long seen = 0, exceptions = 0, invalid = 0;
            bool quarantined = false;
            string? firstError = null;
            foreach (KeptShard shard in shards)
            {
                LabelingFunctionFaults f = shard.Faults[j];
                seen += f.ItemsSeen;
                exceptions += f.Exceptions;
                invalid += f.InvalidVotes;
                quarantined |= f.Quarantined;
                firstError ??= f.FirstError;
            }

            faults[j] = new LabelingFunctionFaults(names[j], seen, exceptions, invalid, quarantined, firstError);
        }

        return faults;
    }

    /// <summary>Gets the rows of the programs' columns alone (without the extra column), grouped again.</summary>
    public DistinctRowTable ProgramRows()
    {
        if (Rows.Width == _programs)
        {
            return Rows;
        }

        var programs = new DistinctRowTable(_programs);
        for (int r = 0; r < Rows.Count; r++)
        {
            programs.Add(Rows.GetRow(r)[.._programs], Rows.GetWeight(r));
        }

        return programs;
    }

    /// <summary>Predicts each distinct row's distribution, <c>K</c> values per row: what the plain streamed run's <see cref="ItemDistributions"/> holds per distinct row, bit for bit, for a model that predicts its fitted matrix row by row (every built-in one when the rows are grouped).</summary>
    public double[] Predict(LabelModel model, int classCount)
    {
        var values = new double[(long)Rows.Count * classCount];
        for (int r = 0; r < Rows.Count; r++)
        {
            model.PredictProbabilities(Rows.GetRow(r), values.AsSpan(r * classCount, classCount));
        }

        return values;
    }

    /// <summary>
    /// Chooses the end model's training items as <see cref="StreamedRun.TrainingSampleAsync"/> does (covered items with
    /// a positive confidence, then a seeded sample of <paramref name="sampleSize"/> by ordinal among them, weights scaled
    /// alike): each shard's count of kept items comes from its own rows' counts, each shard finds the items of the
    /// ordinals that fall in it, and only those items are gathered, in one read.
    /// </summary>
    /// <param name="shards">The shards holding the votes.</param>
    /// <param name="items">The streamed items.</param>
    /// <param name="distributions">The label model's distribution of each merged row.</param>
    /// <param name="k">The number of classes.</param>
    /// <param name="sampleSize">The end model's sample size, or <see langword="null"/> for every covered item.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="cancellationToken">Cancels the calls and the read.</param>
    /// <param name="foldSample">The items a nested final choice's fold runs label, gathered in the same read; or <see langword="null"/>.</param>
    public async Task<EndModelTrainingSet<TItem>> TrainingSampleAsync<TItem>(
        IKeptVotes shards, StreamedItems<TItem> items, double[] distributions, int k, int? sampleSize, int seed, CancellationToken cancellationToken, NestedChoiceSample<TItem>? foldSample = null)
    {
        var keptRow = new bool[Rows.Count];
        for (int r = 0; r < keptRow.Length; r++)
        {
            bool voted = false;
            foreach (sbyte vote in Rows.GetRow(r))
            {
                if (vote >= 0)
                {
                    voted = true;
                    break;
                }
            }

            keptRow[r] = voted && EndModelTrainingSet.Confidence(distributions.AsSpan(r * k, k)) > 0;
        }

        // Each shard's kept items, from its rows' counts; their ordinals follow one another in shard order.
        IReadOnlyList<KeptShard> all = shards.Shards;
        var keptInShard = new long[all.Count];
        long covered = 0;
        for (int s = 0; s < all.Count; s++)
        {
            for (int r = 0; r < _shardRows[s].Length; r++)
            {
                keptInShard[s] += keptRow[_shardRows[s][r]] ? all[s].Weights[r] : 0;
            }

            covered += keptInShard[s];
        }

        int population = checked((int)covered);
        bool sampled = sampleSize is int size && population > size;
        int count = sampled ? sampleSize!.Value : population;
        // The plain run's sample, drawn without an array of the covered items.
        int[] ordinals = sampled ? SeededSample.SparseIndices(population, count, seed) : [.. Enumerable.Range(0, population)];
        double scale = sampled ? (double)population / count : 1.0;

        // The ordinals of each shard, asked of all shards at once.
        var asks = new List<(int Shard, int From, int To, Task<(int[] Offsets, int[] Rows)> Reply)>();
        long start = 0;
        int at = 0;
        for (int s = 0; s < all.Count && at < count; s++)
        {
            long end = start + keptInShard[s];
            int from = at;
            while (at < count && ordinals[at] < end)
            {
                at++;
            }

            if (at > from)
            {
                int[] local = [.. ordinals[from..at].Select(o => (int)(o - start))];
                bool[] localKept = [.. _shardRows[s].Select(r => keptRow[r])];
                asks.Add((s, from, at, shards.SampleAsync(s, localKept, local, cancellationToken)));
            }

            start = end;
        }

        var indices = new int[count];
        var targets = new double[count * k];
        var weights = new double[count];
        foreach ((int s, int from, int to, Task<(int[] Offsets, int[] Rows)> reply) in asks)
        {
            (int[] offsets, int[] localRows) = await reply.ConfigureAwait(false);
            int asked = to - from;
            if (offsets.Length != asked || localRows.Length != asked)
            {
                throw new InvalidOperationException($"Shard {s} found {offsets.Length} of the {asked} sampled items asked of it.");
            }

            for (int t = 0; t < offsets.Length; t++)
            {
                int r = _shardRows[s][localRows[t]];
                ReadOnlySpan<double> row = distributions.AsSpan(r * k, k);
                indices[from + t] = checked((int)(all[s].FirstItem + offsets[t]));
                weights[from + t] = sampled ? EndModelTrainingSet.Confidence(row) * scale : EndModelTrainingSet.Confidence(row);
                row.CopyTo(targets.AsSpan((from + t) * k, k));
            }
        }

        TItem[] chosen = await StreamedRun.GatherAsync(items, indices, cancellationToken, foldSample).ConfigureAwait(false);
        return new EndModelTrainingSet<TItem>(chosen, k, targets, weights);
    }
}
