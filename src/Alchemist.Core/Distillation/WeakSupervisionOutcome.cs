namespace Alchemist;

/// <summary>Represents the figures of one <see cref="WeakSupervisionExperiment{TItem}"/> run.</summary>
internal sealed record WeakSupervisionOutcome
{
    /// <summary>Gets the programs the synthesizer produced.</summary>
    public required IReadOnlyList<LabelingProgram> Programs { get; init; }

    /// <summary>Gets the share of unlabeled items at least one program voted on.</summary>
    public double Coverage { get; init; }

    /// <summary>Gets the accuracy of the label model's labels on the covered unlabeled items without a tie, when their gold labels were given.</summary>
    public double? WeakLabelAccuracy { get; init; }

    /// <summary>Gets the analysis of the programs on the unlabeled items against their gold labels, when those were given (a diagnostic; nothing is chosen with it).</summary>
    public LabelingFunctionAnalysis? UnlabeledAnalysis { get; init; }

    /// <summary>Gets the number of items the distilled end model was trained on.</summary>
    public int TrainingItems { get; init; }

    /// <summary>Gets the held-out scores of the end model trained on the seed labels alone.</summary>
    public required ClassificationScores SeedOnly { get; init; }

    /// <summary>Gets the held-out scores of the label model alone (an item without votes or with a tie counts as wrong), or <see langword="null"/> without programs.</summary>
    public ClassificationScores? LabelModel { get; init; }

    /// <summary>Gets the held-out scores of the distilled end model.</summary>
    public required ClassificationScores Distilled { get; init; }

    /// <summary>Gets the wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; init; }
}
