namespace Alchemist;

/// <summary>Provides factories of <see cref="SynthesisFeedback{TItem}"/>.</summary>
internal static class SynthesisFeedback
{
    /// <summary>Builds feedback from the votes of the kept programs on some items.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items, one per row of <paramref name="votes"/>.</param>
    /// <param name="votes">The kept programs' votes on them.</param>
    /// <param name="labels">The gold labels of the items, or <see langword="null"/> when unlabeled.</param>
    /// <param name="maxExamples">The largest number of uncovered and of conflicting items to keep; the first ones in item order.</param>
    /// <param name="problems">Messages about rejected programs, or <see langword="null"/>.</param>
    /// <returns>The feedback.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="votes"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts of <paramref name="items"/>, the matrix rows and <paramref name="labels"/> differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExamples"/> is negative.</exception>
    public static SynthesisFeedback<TItem> FromVotes<TItem>(
        IReadOnlyList<TItem> items,
        LabelMatrix votes,
        IReadOnlyList<int>? labels = null,
        int maxExamples = 10,
        IEnumerable<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxExamples);
        if (items.Count != votes.ItemCount)
        {
            throw new ArgumentException($"There are {items.Count} items but the vote matrix has {votes.ItemCount} rows; give one row per item.", nameof(items));
        }

        if (labels is not null && labels.Count != items.Count)
        {
            throw new ArgumentException($"There are {items.Count} items but {labels.Count} labels; give one label per item, or none.", nameof(labels));
        }

        var uncovered = new List<FeedbackExample<TItem>>();
        var conflicting = new List<FeedbackExample<TItem>>();
        var seen = new SortedSet<int>();
        for (int i = 0; i < items.Count && (uncovered.Count < maxExamples || conflicting.Count < maxExamples); i++)
        {
            seen.Clear();
            foreach (sbyte vote in votes.GetRow(i))
            {
                if (vote >= 0)
                {
                    seen.Add(vote);
                }
            }

            int? label = labels is null || labels[i] < 0 ? null : labels[i];
            if (seen.Count == 0 && uncovered.Count < maxExamples)
            {
                uncovered.Add(new FeedbackExample<TItem>(items[i], label, []));
            }
            else if (seen.Count > 1 && conflicting.Count < maxExamples)
            {
                conflicting.Add(new FeedbackExample<TItem>(items[i], label, [.. seen]));
            }
        }

        return new SynthesisFeedback<TItem>
        {
            Problems = problems is null ? [] : [.. problems],
            Uncovered = uncovered,
            Conflicting = conflicting,
        };
    }
}
