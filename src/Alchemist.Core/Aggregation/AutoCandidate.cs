namespace Alchemist;

/// <summary>A model the automatic choice considers: a name for the report, a factory, and whether its binary decision threshold is tuned on the dev split.</summary>
internal sealed record AutoCandidate(string Name, Func<LabelModel> Create, bool TunesDecision = false)
{
    /// <summary>Gets a value indicating whether the candidate fits from pair counts.</summary>
    public bool NeedsPairCounts { get; init; }

    /// <summary>Gets a value indicating whether the candidate fits from rows (EM).</summary>
    public bool NeedsRows { get; init; }

    /// <summary>Gets the candidates for a task, simplest first (ties go to the earlier one).</summary>
    public static IReadOnlyList<AutoCandidate> Defaults(LabelStatistics statistics, LabelMatrix dev)
    {
        // Semi-supervised EM in which the dev items weigh as much, together, as the unlabeled items.
        double balanced = Math.Max(1, (double)statistics.ItemCount / Math.Max(1, dev.ItemCount));
        List<AutoCandidate> candidates =
        [
            new(MajorityVoteLabelModel.ModelName, static () => new MajorityVoteLabelModel()),
            new(WeightedMajorityLabelModel.ModelName, static () => new WeightedMajorityLabelModel()) { NeedsPairCounts = true },
            new(DawidSkeneLabelModel.ModelName, static () => new DawidSkeneLabelModel()) { NeedsRows = true },
            new(SnorkelLabelModel.ModelName, static () => new SnorkelLabelModel()) { NeedsPairCounts = true },
            new(FlyingSquidLabelModel.ModelName, static () => new FlyingSquidLabelModel()) { NeedsPairCounts = true },
            new("dawid-skene+dev", () => new DawidSkeneLabelModel { DevLabelWeight = balanced }) { NeedsRows = true },
        ];
        if (statistics.ClassCount == 2)
        {
            candidates.AddRange([.. candidates.Select(c => c with { Name = c.Name + "+threshold", TunesDecision = true })]);
        }

        return candidates;
    }
}
