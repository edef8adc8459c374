namespace Alchemist;

/// <summary>Evaluates conditions on the labeled examples and the unlabeled sample, as bit sets.</summary>
internal sealed class ConditionIndex
{
    private readonly IReadOnlyList<TextProfile> _examples;
    private readonly IReadOnlyList<TextProfile> _unlabeled;

    public ConditionIndex(IReadOnlyList<TextProfile> examples, IReadOnlyList<TextProfile> unlabeled)
    {
        _examples = examples;
        _unlabeled = unlabeled;
    }

    /// <summary>Gets a value indicating whether there is an unlabeled sample.</summary>
    public bool HasUnlabeled => _unlabeled.Count > 0;

    /// <summary>Gets the size of the unlabeled sample.</summary>
    public int UnlabeledCount => _unlabeled.Count;

    /// <summary>Gets the length of a coverage bit set: the unlabeled sample, or the examples when there is none.</summary>
    public int CoverageLength => HasUnlabeled ? _unlabeled.Count : _examples.Count;

    /// <summary>Gets the number of items coverage is measured on, as a divisor.</summary>
    public double CoverageCount => Math.Max(1, CoverageLength);

    /// <summary>Evaluates a condition.</summary>
    public Evaluated Evaluate(Condition condition)
    {
        ulong[] examples = Bits(condition, _examples);
        ulong[] coverage = HasUnlabeled ? Bits(condition, _unlabeled) : examples;
        return new Evaluated(condition, examples, coverage, HasUnlabeled ? (double)BitSet.Count(coverage) / _unlabeled.Count : (double)BitSet.Count(examples) / Math.Max(1, _examples.Count));
    }

    /// <summary>Evaluates many conditions in parallel, keeping their order.</summary>
    public Evaluated[] EvaluateAll(IReadOnlyList<Condition> conditions, CancellationToken cancellationToken)
    {
        var results = new Evaluated[conditions.Count];
        Parallel.For(0, conditions.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => results[i] = Evaluate(conditions[i]));
        return results;
    }

    /// <summary>Combines two evaluated conditions with "and".</summary>
    public Evaluated Conjoin(Evaluated left, Evaluated right)
    {
        ulong[] examples = BitSet.And(left.Examples, right.Examples);
        ulong[] coverage = HasUnlabeled ? BitSet.And(left.Coverage, right.Coverage) : examples;
        double share = (double)BitSet.Count(coverage) / CoverageCount;
        return new Evaluated(new AndCondition(left.Condition, right.Condition), examples, coverage, share);
    }

    private static ulong[] Bits(Condition condition, IReadOnlyList<TextProfile> profiles)
    {
        ulong[] bits = BitSet.Create(profiles.Count);
        for (int i = 0; i < profiles.Count; i++)
        {
            if (condition.Matches(profiles[i]))
            {
                BitSet.Set(bits, i);
            }
        }

        return bits;
    }
}

/// <summary>Represents a condition with the examples and the unlabeled items it holds on.</summary>
/// <param name="Condition">The condition.</param>
/// <param name="Examples">The labeled examples it holds on.</param>
/// <param name="Coverage">The unlabeled items it holds on (the examples when there is no unlabeled sample).</param>
/// <param name="UnlabeledCoverage">The share of <paramref name="Coverage"/> set.</param>
internal sealed record Evaluated(Condition Condition, ulong[] Examples, ulong[] Coverage, double UnlabeledCoverage);
