namespace Alchemist;

/// <content>Functions that label a chunk at a time (<see cref="IBatchLabelingFunction{TItem}"/>), such as programs in sandbox worker processes.</content>
public sealed partial class LabelingFunctionApplier
{
    /// <content>The batch side of a run.</content>
    private sealed partial class Run<TItem>
    {
        /// <summary>Which columns are labeled in batches (never called per item).</summary>
        private readonly bool[] _batched;

        /// <summary>The batched columns, grouped by the batcher that labels them; <see langword="null"/> when there are none.</summary>
        private readonly List<(IProgramBatcher<TItem> Batcher, int[] Columns)>? _batches;

        private static List<(IProgramBatcher<TItem> Batcher, int[] Columns)>? FindBatches(ILabelingFunction<TItem>[] functions, bool[] batched)
        {
            List<(IProgramBatcher<TItem> Batcher, int[] Columns)>? groups = null;
            for (int j = 0; j < functions.Length; j++)
            {
                if (functions[j] is not IBatchLabelingFunction<TItem> function)
                {
                    continue;
                }

                batched[j] = true;
                groups ??= [];
                int group = groups.FindIndex(g => ReferenceEquals(g.Batcher, function.Batcher));
                if (group < 0)
                {
                    groups.Add((function.Batcher, [j]));
                }
                else
                {
                    groups[group] = (function.Batcher, [.. groups[group].Columns, j]);
                }
            }

            return groups;
        }

        /// <summary>
        /// Labels a chunk with the batched columns, one call per batcher, and records their votes and faults exactly as
        /// <see cref="LabelRange"/> records per-item calls. A column quarantined during the batch (its program killed
        /// or exhausted its worker) abstains on the whole chunk, counts a fault per item, and is not called again.
        /// </summary>
        private void LabelBatches(IReadOnlyList<TItem> items, int start, int count, int offset)
        {
            int m = _functions.Length;
            uint limit = (uint)_classCount + 1;
            var counters = new Counters(m);
            foreach ((IProgramBatcher<TItem> batcher, int[] columns) in _batches!)
            {
                int[] active = Array.FindAll(columns, j => !_quarantined[j]);
                foreach (int j in columns)
                {
                    if (_quarantined[j])
                    {
                        Span<sbyte> votes = Votes;
                        for (int i = 0; i < count; i++)
                        {
                            votes[offset + (i * m) + j] = Label.Abstain;
                        }
                    }
                }

                if (active.Length == 0)
                {
                    continue;
                }

                BatchVotes[] results = batcher.LabelBatch(
                    items, start, count, _itemCount, [.. active.Select(j => (IBatchLabelingFunction<TItem>)_functions[j])], faultDetails: 1, _cancellationToken);
                for (int a = 0; a < active.Length; a++)
                {
                    int j = active[a];
                    BatchVotes result = results[a];
                    counters.Exceptions[j] += result.Exceptions;
                    if (result.QuarantineReason is { } reason)
                    {
                        if (counters.IsFirstError(j, _itemCount))
                        {
                            counters.FirstErrors[j] = (_itemCount, $"Quarantined on item {_itemCount}: {reason}");
                        }

                        // Seen, then quarantined: the update after the chunk no longer counts a quarantined column.
                        _seen[j] += count;
                        _quarantined[j] = true;
                    }
                    else if (result.Faults is [FaultDetail first, ..])
                    {
                        long item = _itemCount + first.Index;
                        if (counters.IsFirstError(j, item))
                        {
                            counters.FirstErrors[j] = (item, $"{first.TypeName} on item {item}: {first.Message}");
                        }
                    }

                    Span<sbyte> votes = Votes;
                    for (int i = 0; i < count; i++)
                    {
                        int vote = result.Votes[i];
                        if ((uint)(vote + 1) >= limit)
                        {
                            counters.Invalid[j]++;
                            if (counters.IsFirstError(j, _itemCount + i))
                            {
                                counters.FirstErrors[j] = (_itemCount + i, $"Returned {vote} on item {_itemCount + i}; a vote must be -1 or a class index in 0..{_classCount - 1}.");
                            }

                            vote = Label.Abstain;
                        }

                        votes[offset + (i * m) + j] = (sbyte)vote;
                    }
                }
            }

            Merge(counters);
        }
    }
}
