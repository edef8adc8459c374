namespace Alchemist;

/// <summary>Represents the options of a <see cref="LabelingPipeline"/>.</summary>
public sealed class LabelingPipelineOptions
{
    /// <summary>Gets or sets how many programs each synthesizer is asked for.</summary>
    /// <value>The default is 10.</value>
    public int ProgramsPerSynthesizer { get; set; } = 10;

    /// <summary>Gets or sets the number of feedback rounds after the first: synthesizers that accept feedback (the chat synthesizer) are asked again, shown the problems of the programs so far and the seed items that no kept program covers or where kept programs disagree.</summary>
    /// <value>The default is 1.</value>
    public int FeedbackRounds { get; set; } = 1;

    /// <summary>Gets or sets the label model, by its name in the <see cref="LabelModelCatalog"/>.</summary>
    /// <value>The default is <c>auto</c>: chosen on the seed (dev) set, never on test data.</value>
    public string LabelModel { get; set; } = "auto";

    /// <summary>Gets or sets the metric the label model is chosen by on the dev set.</summary>
    /// <value>The default is <see cref="LabelModelMetric.Accuracy"/>.</value>
    public LabelModelMetric SelectionMetric { get; set; } = LabelModelMetric.Accuracy;

    /// <summary>Gets or sets how many items (at most) every candidate program runs on in the gate and in self-repair.</summary>
    /// <value>The default is 1,000.</value>
    public int GateSampleSize { get; set; } = 1_000;

    /// <summary>Gets or sets a value indicating whether the seed items, with their gold labels, join the weakly labeled items in the end model's training set.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool TrainEndModelOnSeedSet { get; set; } = true;

    /// <summary>Gets or sets the training weight of each seed item (with its gold label) in the end model's training set, beside weakly labeled items that weigh at most 1 (their label model confidence).</summary>
    /// <value>The default is 1.</value>
    public double SeedItemWeight { get; set; } = 1.0;

    /// <summary>Gets or sets a value indicating whether the end model's training set carries the seed labels' class balance (add-one smoothed), undoing the skew of the items the programs cover.</summary>
    /// <value>The default is <see langword="false"/>: 5-fold cross-validation on the dev splits of YouTube, SMS and TREC favored leaving it off beside <see cref="SeedModelVoter"/> (docs/pipeline.md).</value>
    public bool UseSeedClassBalance { get; set; }

    /// <summary>Gets or sets a value indicating whether the end model trained on the seed labels votes beside the programs, as one more column of the label matrix.</summary>
    /// <value>The default is <see langword="true"/>. Its votes on the seed items come from 5-fold models that did not see them, so the label model weighs it by an honest dev accuracy. It needs at least five seed items per class and at least one kept program; otherwise it is skipped.</value>
    public bool SeedModelVoter { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the seed-only baseline (the same end model trained on the seed labels alone) is trained, returned as <see cref="LabelingRun{TItem}.SeedOnlyModel"/>, and scored on the test split when there is one.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ScoreSeedOnlyBaseline { get; set; } = true;

    /// <summary>Gets or sets the model whose direct labeling of every item the cost plan estimates, or <see langword="null"/> to skip the estimate.</summary>
    /// <value>The default is <c>gpt-4o-mini</c>.</value>
    public string? DirectLabelingModel { get; set; } = "gpt-4o-mini";

    /// <summary>Gets or sets where the programs (synthesized, or reloaded from a library) are compiled and run.</summary>
    /// <value>The default is <see cref="ProgramIsolation.WorkerProcesses"/>: in sandbox worker processes with a memory limit and a watchdog, where a program that crashes, exhausts or hangs its worker is quarantined and the run goes on. <see cref="ProgramIsolation.InProcess"/> runs them in this process, for programs you trust.</value>
    public ProgramIsolation Isolation { get; set; } = ProgramIsolation.WorkerProcesses;

    /// <summary>Gets or sets the limits of the worker processes, used when <see cref="Isolation"/> is <see cref="ProgramIsolation.WorkerProcesses"/>.</summary>
    /// <value>The defaults: one labeling worker per core, a 1 GiB heap limit per worker, a 10 s call timeout.</value>
    public WorkerProcessOptions Workers { get; set; } = new();

    /// <summary>Gets or sets the seed of every random choice: the gate sample, tie-breaks, the synthesizers' example subsets.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ProgramsPerSynthesizer, 1, nameof(ProgramsPerSynthesizer));
        ArgumentOutOfRangeException.ThrowIfLessThan(GateSampleSize, 1, nameof(GateSampleSize));
        ArgumentOutOfRangeException.ThrowIfNegative(FeedbackRounds, nameof(FeedbackRounds));
        if (!double.IsFinite(SeedItemWeight) || SeedItemWeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SeedItemWeight), SeedItemWeight, "LabelingPipelineOptions.SeedItemWeight must be a finite number above 0.");
        }
        if (!Enum.IsDefined(Isolation))
        {
            throw new ArgumentOutOfRangeException(nameof(Isolation), Isolation, "LabelingPipelineOptions.Isolation must be WorkerProcesses or InProcess.");
        }

        ArgumentNullException.ThrowIfNull(Workers, nameof(Workers));
        Workers.Validate();
        if (string.IsNullOrWhiteSpace(LabelModel))
        {
            throw new ArgumentException("LabelingPipelineOptions.LabelModel must name a label model, such as 'auto'.", nameof(LabelModel));
        }
    }
}
