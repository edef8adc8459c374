namespace Alchemist;

/// <summary>Represents the outcome of a <see cref="LabelingPipeline"/> run: labels with probabilities for every item, the programs kept and dropped, the figures, the cost and the timings.</summary>
/// <remarks>
/// Immutable once built. The reports (<see cref="RunReport"/>) and the command line's files are rendered from it.
/// <para>
/// <see cref="LabelingPipeline.RunAsync{TItem}"/> returns a <see cref="LabelingRun{TItem}"/>, which also holds the
/// trained models.
/// </para>
/// <para>
/// A run owns its <see cref="Matrix"/>: when a streamed run spilled it to a memory-mapped temporary file
/// (<see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>, <see cref="MatrixSpillBytes"/>), <see cref="Dispose()"/>
/// unmaps and deletes the file, after which the matrix's members throw <see cref="ObjectDisposedException"/> and no
/// span it lent before may be read. A run that is not disposed keeps the mapping until the process exits (never a read
/// of unmapped memory). Disposing a run whose matrix is an array, as every other run's is, does nothing.
/// </para>
/// </remarks>
public class LabelingRun : IDisposable
{
    /// <summary>Gets the task.</summary>
    public required LabelingTask Task { get; init; }

    /// <summary>Gets a name for the data, such as the dataset's.</summary>
    public required string DatasetName { get; init; }

    /// <summary>Gets the id of each item, in input order; <b>empty when <see cref="LabelsStreamed"/></b> (the ids went to the sink with the labels).</summary>
    public required IReadOnlyList<string> ItemIds { get; init; }

    /// <summary>Gets the final class distribution of each item: the distilled end model's, which covers every item; <b>no rows when <see cref="LabelsStreamed"/></b> (they went to the job's <see cref="ILabelSink"/>).</summary>
    public required ClassProbabilities Probabilities { get; init; }

    /// <summary>Gets the final label of each item: the most probable class, ties broken by a seeded random choice; <b>empty when <see cref="LabelsStreamed"/></b> (they went to the job's <see cref="ILabelSink"/>).</summary>
    public required IReadOnlyList<int> Labels { get; init; }

    /// <summary>Gets the label model's class distribution of each item, or <see langword="null"/> when no program was kept; <b>always <see langword="null"/> when <see cref="LabelsStreamed"/></b>.</summary>
    public ClassProbabilities? LabelModelProbabilities { get; init; }

    /// <summary>Gets a value indicating whether the run read its items from a source (<see cref="LabelingJob{TItem}.Source"/>) and wrote their labels to the job's <see cref="ILabelSink"/> as they were made.</summary>
    /// <remarks>
    /// When <see langword="true"/>, the run holds no per-item result: <see cref="ItemIds"/> and <see cref="Labels"/> are
    /// empty, <see cref="Probabilities"/> has no rows and <see cref="LabelModelProbabilities"/> is <see langword="null"/>;
    /// <see cref="ItemCount"/> gives the number of items, and the reports' class distribution and confidence figures
    /// were counted while the labels were written. <see cref="Matrix"/> still holds every item's votes.
    /// </remarks>
    public bool LabelsStreamed => StreamedLabels is not null;

    /// <summary>Gets the number of items labeled: <see cref="ItemIds"/>' count, or the number written to the sink when <see cref="LabelsStreamed"/>.</summary>
    public int ItemCount => StreamedLabels?.ItemCount ?? ItemIds.Count;

    /// <summary>Gets the check behind the final choice between the pipeline's end model and the seed-only model, with its figures and the model that shipped, or <see langword="null"/> when the run was not checked (<see cref="LabelingPipelineOptions.EndModelChoice"/>; the reports say why).</summary>
    public EndModelChoice? EndModelChoice { get; init; }

    /// <summary>Gets why the run was not checked against the seed-only model (a sentence beginning "not checked"), or <see langword="null"/> when it was (<see cref="EndModelChoice"/>).</summary>
    public string? EndModelChoiceSkipReason { get; init; }

    /// <summary>Gets what a streamed run counted while writing its labels, or <see langword="null"/> for a run that holds them.</summary>
    internal StreamedLabelSummary? StreamedLabels { get; init; }

    /// <summary>Gets the votes of the kept hand-written functions and programs on every item, one column each in that order (zero columns when none was kept); <b>no items when <see cref="VoteStatistics"/> is set</b> (the votes stayed on the cluster that made them). A run that was to keep its votes on the cluster but gathered them because they barely repeat holds every item's votes here, as a gathered run does (its <see cref="Warnings"/> say so).</summary>
    public required LabelMatrix Matrix { get; init; }

    /// <summary>Gets the statistics of the kept programs' votes (their distinct rows with counts, vote and pair counts) when the votes stayed where they were made, on the silos of a cluster (<c>OrleansLabelingOptions.KeepVotesOnSilos</c> in Alchemist.Orleans); then <see cref="Matrix"/> has the programs' columns and no items. <see langword="null"/> for every other run, whose <see cref="Matrix"/> holds every item's votes, including a run that was to keep them on the cluster but gathered them after the first pass because they barely repeat (more than half of the first 65,536 rows distinct; a warning says so).</summary>
    public LabelStatistics? VoteStatistics { get; init; }

    /// <summary>Gets the size in bytes of the memory-mapped temporary file <see cref="Matrix"/> lives in, when the run spilled it (a streamed run whose matrix was larger than <see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>); <see langword="null"/> when the matrix is held in memory.</summary>
    /// <remarks>The file holds <c>n x (m + 1)</c> votes when the seed-model voter had its column, <c>n x m</c> otherwise; it is deleted by <see cref="Dispose()"/>.</remarks>
    public long? MatrixSpillBytes { get; init; }

    /// <summary>Gets every candidate program, kept or dropped, in the gate's order.</summary>
    public required IReadOnlyList<ProgramOutcome> Programs { get; init; }

    /// <summary>Gets the job's hand-written functions (<see cref="LabelingJob{TItem}.Functions"/>) with their figures, in the job's order.</summary>
    public IReadOnlyList<FunctionOutcome> Functions { get; init; } = [];

    /// <summary>Gets the number of programs the sandbox compiled in this run: each distinct program once, however many stages (self-repair, feedback rounds, the gate, labeling) used it.</summary>
    public int ProgramsCompiled { get; init; }

    /// <summary>Gets a value indicating whether the end model trained on the seed labels voted beside the programs, as one more column of the matrix the label model aggregated (<see cref="LabelingPipelineOptions.SeedModelVoter"/>); <see cref="Matrix"/> and <see cref="Analysis"/> hold the programs' votes only.</summary>
    public bool SeedModelVoted { get; init; }

    /// <summary>Gets the analysis of the kept programs' votes on every item.</summary>
    public required LabelingFunctionAnalysis Analysis { get; init; }

    /// <summary>Gets the label model's fit report (its choice and candidates' dev scores for <c>auto</c>), or <see langword="null"/> when no program was kept.</summary>
    public LabelModelFitReport? LabelModel { get; init; }

    /// <summary>Gets the end model's training report.</summary>
    public required EndModelTrainingReport EndModel { get; init; }

    /// <summary>Gets the name of the end model.</summary>
    public required string EndModelName { get; init; }

    /// <summary>Gets the scores on the test split, when the job had one; never used for any choice.</summary>
    public RunScores? Test { get; init; }

    /// <summary>Gets what the run embedded for its concept scores, or <see langword="null"/> when it had no embedding generator.</summary>
    public ConceptScoresSummary? Concepts { get; init; }

    /// <summary>Gets the number of labeled seed (dev) items the run learned from.</summary>
    public int SeedItems { get; init; }

    /// <summary>Gets what synthesis cost: every chat call's tokens and price.</summary>
    public required CostSummary SynthesisCost { get; init; }

    /// <summary>Gets the estimate of labeling every item directly with an LLM, when one was made.</summary>
    public DirectLabelingEstimate? DirectLabeling { get; init; }

    /// <summary>Gets every synthesis call and what came of it.</summary>
    public IReadOnlyList<SynthesisAttempt> SynthesisAttempts { get; init; } = [];

    /// <summary>Gets the duration of each stage.</summary>
    public required IReadOnlyList<StageTiming> Timings { get; init; }

    /// <summary>Gets when the run started; <see langword="null"/> for a run assembled without it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets the wall-clock duration of the whole run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Gets warnings a user should read, such as a label model that does worse than majority vote on dev.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets the seed of every random choice in the run.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the number of kept programs.</summary>
    public int KeptCount => Programs.Count(p => p.Kept);

    /// <summary>Gets the number of dropped programs.</summary>
    public int DroppedCount => Programs.Count(p => !p.Kept);

    /// <summary>Gets how many times cheaper the run's synthesis was than labeling every item directly, or <see langword="null"/> when either cost is unknown or synthesis cost nothing.</summary>
    /// <remarks>A value below 1 means synthesis cost more than labeling this run's items directly would; see <see cref="BreakEvenItemCount"/>.</remarks>
    public double? TimesCheaper =>
        DirectLabeling?.CostUsd is decimal direct && SynthesisCost.CostUsd > 0 && SynthesisCost.IsComplete
            ? (double)(direct / SynthesisCost.CostUsd)
            : null;

    /// <summary>Gets the number of items from which the run's synthesis is cheaper than labeling them directly (at this run's direct cost per item), or <see langword="null"/> when <see cref="TimesCheaper"/> is.</summary>
    /// <remarks>The programs are free to re-run, so every further item labeled with them widens the gap.</remarks>
    public long? BreakEvenItemCount =>
        TimesCheaper is double times && DirectLabeling is { Items: > 0 } direct
            ? (long)Math.Ceiling(direct.Items / times)
            : null;

    /// <summary>Releases the temporary file of a spilled <see cref="Matrix"/> (<see cref="MatrixSpillBytes"/>); nothing for a matrix held in memory. Safe to call more than once.</summary>
    /// <remarks>Afterwards the matrix's members throw <see cref="ObjectDisposedException"/>; a span it lent before must not be read.</remarks>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the temporary file of a spilled <see cref="Matrix"/>, when <paramref name="disposing"/>.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Matrix.Mapped?.Dispose();
        }
    }
}

/// <summary>Represents the outcome of a <see cref="LabelingPipeline"/> run over items of type <typeparamref name="TItem"/>, with the trained models to label new items.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// The models are those the run scored: <see cref="TrainedEndModel"/> gave <see cref="LabelingRun.Probabilities"/>, and
/// <see cref="SeedOnlyModel"/> is the seed-only baseline of <see cref="RunScores.SeedOnly"/>. Predicting with them needs
/// neither the programs nor a synthesizer, and gives the same distributions as the run for the same items.
/// </remarks>
public sealed class LabelingRun<TItem> : LabelingRun
{
    /// <summary>Gets the distilled end model: it labels any item, new ones included, without re-running the pipeline.</summary>
    public required ITrainedEndModel<TItem> TrainedEndModel { get; init; }

    /// <summary>
    /// Gets the same end model trained on the seed labels alone (the seed-only baseline, and the seed-model voter when
    /// it voted), or <see langword="null"/> when the job had no seed set, or when
    /// <see cref="LabelingPipelineOptions.ScoreSeedOnlyBaseline"/> was off and the seed-model voter did not vote. Where
    /// <see cref="RunScores.GainOverSeedOnly"/> is below zero, this model did better on the scored split than
    /// <see cref="TrainedEndModel"/>.
    /// </summary>
    public ITrainedEndModel<TItem>? SeedOnlyModel { get; init; }

    /// <summary>Gets the pipeline's own end model (weak labels and seed labels), whichever model shipped as <see cref="TrainedEndModel"/> (<see cref="LabelingRun.EndModelChoice"/>).</summary>
    internal ITrainedEndModel<TItem>? DistilledEndModel { get; init; }
}
