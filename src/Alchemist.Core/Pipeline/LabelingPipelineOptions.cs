using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Represents the options of a <see cref="LabelingPipeline"/>.</summary>
public sealed class LabelingPipelineOptions : IValidatableObject
{
    /// <summary>Gets or sets how many programs each synthesizer is asked for.</summary>
    /// <value>The default is 10. Allowed: 1 to 1,000.</value>
    [Range(1, 1_000)]
    public int ProgramsPerSynthesizer { get; set; } = 10;

    /// <summary>Gets or sets the number of feedback rounds after the first: synthesizers that accept feedback (the chat synthesizer) are asked again, shown the problems of the programs so far and the seed items that no kept program covers or where kept programs disagree.</summary>
    /// <value>The default is 1. Allowed: 0 to 10.</value>
    [Range(0, 10)]
    public int FeedbackRounds { get; set; } = 1;

    /// <summary>Gets or sets the label model, by its name in the <see cref="LabelModelCatalog"/>.</summary>
    /// <value>The default is <c>auto</c>: chosen on the seed (dev) set, never on test data.</value>
    [Required]
    public string LabelModel { get; set; } = "auto";

    /// <summary>Gets or sets the metric the label model is chosen by on the dev set.</summary>
    /// <value>The default is <see cref="LabelModelMetric.Accuracy"/>.</value>
    [EnumDataType(typeof(LabelModelMetric))]
    public LabelModelMetric SelectionMetric { get; set; } = LabelModelMetric.Accuracy;

    /// <summary>Gets or sets how many items (at most) every candidate program runs on in the gate and in self-repair.</summary>
    /// <value>The default is 1,000. Allowed: 1 to 10,000,000.</value>
    [Range(1, 10_000_000)]
    public int GateSampleSize { get; set; } = 1_000;

    /// <summary>Gets or sets a value indicating whether the seed items, with their gold labels, join the weakly labeled items in the end model's training set.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool TrainEndModelOnSeedSet { get; set; } = true;

    /// <summary>Gets or sets the training weight of each seed item (with its gold label) in the end model's training set, beside weakly labeled items that weigh at most 1 (their label model confidence).</summary>
    /// <value>The default is 1. Allowed: above 0, up to 1,000,000.</value>
    [Range(0.0, 1e6, MinimumIsExclusive = true)]
    public double SeedItemWeight { get; set; } = 1.0;

    /// <summary>Gets or sets a value indicating whether the end model's training set carries the seed labels' class balance (add-one smoothed), undoing the skew of the items the programs cover.</summary>
    /// <value>The default is <see langword="false"/>: 5-fold cross-validation on the dev splits of YouTube, SMS and TREC favored leaving it off beside <see cref="SeedModelVoter"/> (docs/pipeline.md).</value>
    public bool UseSeedClassBalance { get; set; }

    /// <summary>Gets or sets the largest number of weakly labeled items the end model is trained on: above it, a seeded uniform sample of this many (weights scaled so the sample's loss estimates the whole set's), and the seed items always join it; <see langword="null"/> trains on every covered item.</summary>
    /// <value>The default is 100,000. Allowed: 1 to 2,000,000,000, or <see langword="null"/>. A job with fewer covered items is trained on all of them, exactly as with <see langword="null"/>; at 1,000,000 items the sample keeps the test accuracy of the whole set while the end model's time and memory stop growing with the items (docs/scale.md).</value>
    [Range(1, 2_000_000_000)]
    public int? EndModelSampleSize { get; set; } = 100_000;

    /// <summary>Gets or sets a value indicating whether the end model trained on the seed labels votes beside the programs, as one more column of the label matrix.</summary>
    /// <value>The default is <see langword="true"/>. Its votes on the seed items come from 5-fold models that did not see them, so the label model weighs it by an honest dev accuracy. It needs at least five seed items per class and at least one kept program; otherwise it is skipped.</value>
    public bool SeedModelVoter { get; set; } = true;

    /// <summary>Gets or sets whether the run checks, at its end, that its end model beats the same end model trained on the seed labels alone, and ships the seed-only model when it clearly does not (<see cref="EndModelChoiceMode"/>).</summary>
    /// <value>
    /// The default is <see cref="EndModelChoiceMode.Auto"/>: the check runs when asking the synthesizers again costs only
    /// processor time (the offline synthesizer, or the job's own programs) and the job has at most 100,000 items; not with
    /// a synthesizer that calls a service, nor for a larger job.
    /// </value>
    /// <remarks>
    /// The check re-runs the whole pipeline once per fold of the seed items (up to five more runs, over the same unlabeled
    /// items), so a checked run takes up to six times as long; <see cref="EndModelChoiceMode.Off"/> skips it. Each fold
    /// run calls the synthesizers again and its calls are recorded in the run's ledger (<see cref="LabelingRun.SynthesisCost"/>).
    /// A fold run labels at most 100,000 of the job's items: every item of a job that has no more, otherwise a seeded
    /// uniform sample (a streamed job's gathered in a read the run makes anyway). <see cref="EndModelChoiceMode.Auto"/>
    /// checks only jobs within that bound, where the check is exact; <see cref="EndModelChoiceMode.Always"/> checks a
    /// larger job on the sample. A run without weak labels (no program or function kept) or with fewer than two seed items
    /// is not checked. The fold runs report progress as the run's <see cref="PipelineStage.Distill"/> stage ("final
    /// choice, fold 2 of 5: ...") and their warnings join the run's, each once per fold. <see cref="LabelingRun.EndModelChoice"/>
    /// holds the check, or <see cref="LabelingRun.EndModelChoiceSkipReason"/> says why there was none (docs/pipeline.md).
    /// </remarks>
    [EnumDataType(typeof(EndModelChoiceMode))]
    public EndModelChoiceMode EndModelChoice { get; set; } = EndModelChoiceMode.Auto;

    /// <summary>Gets or sets a rule that replaces the one <see cref="EndModelChoice"/> gives, for experiments (the benchmarks' leaky rules); <see langword="null"/> follows <see cref="EndModelChoice"/>.</summary>
    internal EndModelChoiceRule? EndModelChoiceRuleOverride { get; set; }

    /// <summary>Gets or sets a value indicating whether the seed-only baseline (the same end model trained on the seed labels alone) is trained, returned as <see cref="LabelingRun{TItem}.SeedOnlyModel"/>, and scored on the test split when there is one.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ScoreSeedOnlyBaseline { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the job's hand-written functions are dropped by the same checks as synthesized programs (faults, silence, constant votes, dev floors, duplicates).</summary>
    /// <value>The default is <see langword="false"/>: they are the user's own rules, kept and reported with their figures.</value>
    public bool GateHandWrittenFunctions { get; set; }

    /// <summary>Gets or sets the model whose direct labeling of every item the cost plan estimates, or <see langword="null"/> to skip the estimate.</summary>
    /// <value>The default is <c>gpt-4o-mini</c>.</value>
    public string? DirectLabelingModel { get; set; } = "gpt-4o-mini";

    /// <summary>Gets or sets where the programs (synthesized, or reloaded from a library) are compiled and run.</summary>
    /// <value>The default is <see cref="ProgramIsolation.WorkerProcesses"/>: in sandbox worker processes with a memory limit and a watchdog, where a program that crashes, exhausts or hangs its worker is quarantined and the run goes on. <see cref="ProgramIsolation.InProcess"/> runs them in this process, for programs you trust. The job's hand-written functions always run in this process.</value>
    [EnumDataType(typeof(ProgramIsolation))]
    public ProgramIsolation Isolation { get; set; } = ProgramIsolation.WorkerProcesses;

    /// <summary>Gets or sets the limits of the worker processes, used when <see cref="Isolation"/> is <see cref="ProgramIsolation.WorkerProcesses"/>.</summary>
    /// <value>The defaults: one labeling worker per core, a 1 GiB heap limit per worker, a 10 s call timeout.</value>
    [Required]
    [ValidateObjectMembers]
    public WorkerProcessOptions Workers { get; set; } = new();

    /// <summary>Gets or sets the largest label matrix, in bytes, a streamed run (<see cref="LabelingJob{TItem}.Source"/>) holds in memory: a larger one is spilled to a memory-mapped temporary file, whose pages the operating system writes back and evicts under memory pressure instead of the process holding them; <see langword="null"/> never spills.</summary>
    /// <value>
    /// The default is <see langword="null"/>. Allowed: 0 (always spill) or more. The matrix of a streamed run takes
    /// <c>n x (m + 1)</c> bytes for <c>n</c> items and <c>m</c> kept functions (a spare column for the seed-model voter).
    /// A spilled matrix gives the same votes and labels; the run's <see cref="LabelingRun.Matrix"/> then reads the file
    /// until the run is disposed (<see cref="LabelingRun.Dispose()"/>), and <see cref="LabelingRun.MatrixSpillBytes"/>
    /// gives its size. The file is created in the system's temporary folder, for this process alone, and leaves no name
    /// behind on Unix (deleted when closed on Windows). A run over a list of items (<see cref="LabelingJob{TItem}.Items"/>)
    /// holds every item's results anyway and never spills (docs/scale.md).
    /// </value>
    public long? MatrixMemoryBudget { get; set; }

    /// <summary>Gets or sets the seed of every random choice: the gate sample, tie-breaks, the synthesizers' example subsets.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the text embedding generator that computes a run's concept scores (docs/concept-programs.md): it embeds the phrases programs name and, for text items, the items.</summary>
    /// <value>The default is <see langword="null"/>: the pipeline's service provider's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings, when it has one; otherwise the run has no concept scores, the offline synthesizer mines no concept program, and a concept program is dropped with a message saying what to configure.</value>
    public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; set; }

    /// <summary>Gets or sets the folder where concept-score embeddings are cached between runs, keyed by the generator's model id and each text's SHA-256 (a <see cref="CachedEmbeddingGenerator"/> over the same folder shares it).</summary>
    /// <value>The default is <see langword="null"/>: no disk cache. Safe when several runs share the folder at once, and when a file in it is damaged (its records are embedded again).</value>
    public string? EmbeddingCacheFolder { get; set; }

    /// <summary>Copies the options, so a run keeps the values it started with.</summary>
    internal LabelingPipelineOptions Snapshot()
    {
        var snapshot = (LabelingPipelineOptions)MemberwiseClone();
        snapshot.Workers = Workers.Snapshot();
        return snapshot;
    }

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (DirectLabelingModel is not null && string.IsNullOrWhiteSpace(DirectLabelingModel))
        {
            yield return new ValidationResult("LabelingPipelineOptions.DirectLabelingModel is blank; name a model, or set null to skip the direct-labeling estimate.", [nameof(DirectLabelingModel)]);
        }

        if (MatrixMemoryBudget < 0)
        {
            yield return new ValidationResult(
                $"LabelingPipelineOptions.MatrixMemoryBudget is {MatrixMemoryBudget}; give 0 or more bytes (0 always spills the label matrix to a temporary file), or null never to spill it.",
                [nameof(MatrixMemoryBudget)]);
        }
    }
}

/// <summary>Validates <see cref="LabelingPipelineOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class LabelingPipelineOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<LabelingPipelineOptions>;
