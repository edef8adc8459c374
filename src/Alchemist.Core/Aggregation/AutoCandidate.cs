namespace Alchemist;

/// <summary>A model the automatic choice considers: a name for the report, a factory, and whether its binary decision threshold is tuned on the dev split.</summary>
internal sealed record AutoCandidate(string Name, Func<LabelModel> Create, bool TunesDecision = false)
{
    /// <summary>The EM tolerance of the fits that only score a candidate on a fold: ranking needs no tighter convergence.</summary>
    public const double ScoringTolerance = 1e-4;

    /// <summary>Gets a value indicating whether the candidate fits from pair counts.</summary>
    public bool NeedsPairCounts { get; init; }

    /// <summary>Gets a value indicating whether the candidate fits from rows (EM).</summary>
    public bool NeedsRows { get; init; }

    /// <summary>Gets the name of the candidate whose fold fits this one reuses, because it differs only in its decision threshold; or <see langword="null"/>.</summary>
    public string? SharesFitOf { get; init; }

    /// <summary>Gets the factory of the fold fits that only score the candidate, when it differs from <see cref="Create"/>.</summary>
    public Func<LabelModel>? CreateForScoring { get; init; }

    /// <summary>Gets a value indicating whether the candidate is fitted on the label matrix (a registered candidate, or the hyper label model) rather than from statistics.</summary>
    public bool NeedsMatrix { get; init; }

    /// <summary>Gets a value indicating whether a candidate that is fitted on the label matrix (<see cref="NeedsMatrix"/>) can be fitted from statistics that hold the distinct rows instead, to the same model when the matrix's rows repeat (hyper, and the average with it): how <c>auto</c> fitted from merged statistics keeps it.</summary>
    public bool FitsFromDistinctRows { get; init; }

    /// <summary>Gets a value indicating whether the candidate's fit never reads the dev split, so that one fit serves every cross-validation fold and the final choice.</summary>
    public bool IgnoresDevSplit { get; init; }

    /// <summary>Gets a value indicating whether the candidate labels a matrix other than its fitted one from that matrix alone (hyper, transductive), so the fit that scores it on the dev split is made on the dev votes, not on the (possibly huge) unlabeled matrix.</summary>
    public bool ScoresFromDevVotesAlone { get; init; }

    /// <summary>The name of the candidate that averages weighted majority's and hyper's distributions.</summary>
    public const string WeightedMajorityAndHyper = WeightedMajorityLabelModel.ModelName + "+" + HyperLabelModel.ModelName;

    /// <summary>Gets the names of two earlier candidates whose distributions this one averages, reusing their fold fits; or <see langword="null"/>.</summary>
    public (string First, string Second)? Averages { get; init; }

    /// <summary>Gets the names of the built-in candidates, which a registered one may not take.</summary>
    public static IEnumerable<string> BuiltInNames =>
    [
        MajorityVoteLabelModel.ModelName, WeightedMajorityLabelModel.ModelName, DawidSkeneLabelModel.ModelName,
        SnorkelLabelModel.ModelName, FlyingSquidLabelModel.ModelName, "dawid-skene+dev", HyperLabelModel.ModelName,
        WeightedMajorityAndHyper,
    ];

    /// <summary>Gets the candidates for a task, simplest first (ties go to the earlier one).</summary>
    public static IReadOnlyList<AutoCandidate> Defaults(LabelStatistics statistics, LabelMatrix dev, IReadOnlyList<LabelModelCandidate> registered, bool averaged = true, HyperFineTuning? semiSupervisedHyper = null)
    {
        // Semi-supervised EM in which the dev items weigh as much, together, as the unlabeled items.
        double balanced = Math.Max(1, (double)statistics.ItemCount / Math.Max(1, dev.ItemCount));
        List<AutoCandidate> candidates =
        [
            new(MajorityVoteLabelModel.ModelName, static () => new MajorityVoteLabelModel()),
            new(WeightedMajorityLabelModel.ModelName, static () => new WeightedMajorityLabelModel()) { NeedsPairCounts = true },
            new(DawidSkeneLabelModel.ModelName, static () => new DawidSkeneLabelModel()) { NeedsRows = true, CreateForScoring = static () => new DawidSkeneLabelModel { Tolerance = ScoringTolerance } },
            new(SnorkelLabelModel.ModelName, static () => new SnorkelLabelModel()) { NeedsPairCounts = true },
            new(FlyingSquidLabelModel.ModelName, static () => new FlyingSquidLabelModel()) { NeedsPairCounts = true },
            new("dawid-skene+dev", () => new DawidSkeneLabelModel { DevLabelWeight = balanced }) { NeedsRows = true, CreateForScoring = () => new DawidSkeneLabelModel { DevLabelWeight = balanced, Tolerance = ScoringTolerance } },

            // Pretrained: fitted on the matrix (its column means), never on the dev labels.
            new(HyperLabelModel.ModelName, static () => new HyperLabelModel()) { NeedsMatrix = true, FitsFromDistinctRows = true, IgnoresDevSplit = true, ScoresFromDevVotesAlone = true },
        ];

        if (semiSupervisedHyper is not null)
        {
            // Fine-tuned on the dev labels (on each fold, the other folds'), then labels the dev split from its votes.
            candidates.Add(new(HyperLabelModel.SemiSupervisedName, () => new HyperLabelModel { FineTuning = semiSupervisedHyper }) { NeedsMatrix = true, ScoresFromDevVotesAlone = true });
        }

        if (averaged)
        {
            // A dev-fitted model and a pretrained one err differently: the mean of their distributions, scored from their fold fits.
            candidates.Add(new(WeightedMajorityAndHyper, static () => new AveragedLabelModel(WeightedMajorityAndHyper, new WeightedMajorityLabelModel(), new HyperLabelModel()))
            {
                NeedsMatrix = true,
                FitsFromDistinctRows = true,
                Averages = (WeightedMajorityLabelModel.ModelName, HyperLabelModel.ModelName),
            });
        }

        // Models the host registered as candidates come after the built-in ones, so a tie goes to a built-in model.
        candidates.AddRange(registered.Select(r => new AutoCandidate(r.Name, r.Create) { NeedsMatrix = true }));
        if (statistics.ClassCount == 2)
        {
            candidates.AddRange([.. candidates.Select(c => c with { Name = c.Name + "+threshold", TunesDecision = true, SharesFitOf = c.Name })]);
        }

        return candidates;
    }
}
