namespace Alchemist;

/// <summary>Represents what a <see cref="LabelingPipeline"/> run labels: the task, the items, the labeled seed (dev) items, and optionally a test split to score on or programs to reuse.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
public sealed class LabelingJob<TItem>
{
    /// <summary>Initializes a new instance of the <see cref="LabelingJob{TItem}"/> class.</summary>
    /// <param name="task">The task.</param>
    /// <param name="items">The items to label; at least one.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="items"/> is empty.</exception>
    public LabelingJob(LabelingTask task, IReadOnlyList<TItem> items)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("A labeling job needs at least one item.", nameof(items));
        }

        Task = task;
        Items = items;
    }

    /// <summary>Initializes a new instance of the <see cref="LabelingJob{TItem}"/> class whose items are read from a source, chunk by chunk, and whose labels are written to a sink as they are made: a streamed run, which never holds every item.</summary>
    /// <param name="task">The task.</param>
    /// <param name="source">The items to label, with their ids; read several times, and they must not change between reads.</param>
    /// <param name="sink">Where the final labels go, in item order; the run itself holds none (<see cref="LabelingRun.LabelsStreamed"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>
    /// A streamed run gives exactly the labels and distributions of a run over the same items as a list. With an
    /// embedding generator, concept scores are computed block by block as the items are read, and an end model with
    /// embedding features embeds its sample and each chunk it predicts (give it a <see cref="CachedEmbeddingGenerator"/>
    /// so that repeated texts are embedded once). It refuses what needs every item at once: a <see cref="LabelingBackend"/>
    /// that does not stream (one that is an <see cref="IStreamingLabelingBackend"/> is given the items as they are read),
    /// and <see cref="ItemIds"/> (the source gives the ids). An empty source is refused when the run reads it.
    /// </remarks>
    public LabelingJob(LabelingTask task, IItemSource<TItem> source, ILabelSink sink)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        Task = task;
        Items = [];
        Source = source;
        LabelSink = sink;
    }

    /// <summary>Gets the task.</summary>
    public LabelingTask Task { get; }

    /// <summary>Gets the items to label; <b>empty for a streamed job</b>, whose items are read from <see cref="Source"/>.</summary>
    public IReadOnlyList<TItem> Items { get; }

    /// <summary>Gets the source the items are read from, or <see langword="null"/> when the job holds them in <see cref="Items"/>.</summary>
    public IItemSource<TItem>? Source { get; }

    /// <summary>Gets where a streamed job's labels are written, or <see langword="null"/> when the job holds its items in <see cref="Items"/> (then the labels are in the run).</summary>
    public ILabelSink? LabelSink { get; }

    /// <summary>Gets the id of each item; <c>0, 1, 2, ...</c> when <see langword="null"/>.</summary>
    public IReadOnlyList<string>? ItemIds { get; init; }

    /// <summary>Gets a name for the data in reports.</summary>
    /// <value>The default is the task's name.</value>
    public string? DatasetName { get; init; }

    /// <summary>Gets the labeled seed items (the dev split, or items a user labeled): synthesizers learn from them, the gate checks accuracy on them, the label model is chosen and fitted with them, and the end model trains on them too.</summary>
    /// <value>The default is none; then the label model falls back to majority vote and nothing is checked against gold.</value>
    public IReadOnlyList<LabeledExample<TItem>> SeedSet { get; init; } = [];

    /// <summary>Gets labeled items only to score the run on (a test split). They are never used to fit or choose anything.</summary>
    public IReadOnlyList<LabeledExample<TItem>>? TestSet { get; init; }

    /// <summary>Gets programs to reuse, such as a program library loaded from disk; when set, no synthesizer is called.</summary>
    public IReadOnlyList<LabelingProgram>? Programs { get; init; }

    /// <summary>Gets hand-written labeling functions to apply beside the synthesized programs, each a column of <see cref="LabelingRun.Matrix"/> under its <see cref="ILabelingFunction{TItem}.Name"/>.</summary>
    /// <value>The default is none. A job with functions and no synthesizer (or no program) is valid.</value>
    /// <remarks>
    /// They are kept whatever their figures unless <see cref="LabelingPipelineOptions.GateHandWrittenFunctions"/> is set,
    /// and reported beside the programs (<see cref="LabelingRun.Functions"/>). They run in the host's process as they
    /// are: hand-written code is trusted, unlike synthesized programs, which run in the sandbox.
    /// </remarks>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two functions share a name.</exception>
    public IReadOnlyList<ILabelingFunction<TItem>> Functions
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (ILabelingFunction<TItem> function in value)
            {
                if (function is null)
                {
                    throw new ArgumentNullException(nameof(value), "The hand-written functions hold a null entry.");
                }

                if (string.IsNullOrWhiteSpace(function.Name) || !names.Add(function.Name))
                {
                    throw new ArgumentException($"Two hand-written functions are named '{function.Name}' (or a name is blank); each function names a label-matrix column, so names must be distinct.", nameof(value));
                }
            }

            field = [.. value];
        }
    } = [];

    /// <summary>Gets the end model to distill; <see langword="null"/> for the hashed n-gram logistic regression when <typeparamref name="TItem"/> is <see cref="string"/>.</summary>
    public IEndModel<TItem>? EndModel { get; init; }

    /// <summary>Gets where the kept programs label the job's items: <see langword="null"/> for the pipeline's own applier, in this process and its sandbox worker processes, or a backend such as a cluster.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    /// <remarks>
    /// Synthesis, the gate, the hand-written functions, the seed and test items, the label model and the end model stay
    /// with the run; only the programs' votes on <see cref="Items"/> come from the backend, so a backend that returns
    /// the same votes gives the same labels. The run's figures on those votes (faults, analysis) are the backend's;
    /// budget overruns are counted only by the run's own applier. A streamed job (<see cref="Source"/>) needs an
    /// <see cref="IStreamingLabelingBackend"/>: the items go to it as they are read, and its shards' votes into the run's
    /// one label matrix.
    /// </remarks>
    public ILabelingBackend? LabelingBackend { get; init; }

    /// <summary>Gets the generator that embeds items that are not strings for the run's concept scores, in the same space as <see cref="LabelingPipelineOptions.EmbeddingGenerator"/>, which embeds the phrases (for example an image model beside its text tower).</summary>
    /// <value>The default is <see langword="null"/>: the pipeline's service provider's <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/> of <typeparamref name="TItem"/>, when it has one. Text items are embedded by the text generator and need none.</value>
    public Microsoft.Extensions.AI.IEmbeddingGenerator<TItem, Microsoft.Extensions.AI.Embedding<float>>? ItemEmbeddingGenerator { get; init; }

    /// <summary>Gets how an item is shown as text in the direct-labeling cost estimate; <see langword="null"/> for the string itself, or the JSON of a record.</summary>
    public Func<TItem, string>? DescribeItem { get; init; }

    /// <summary>Gets the concept scores of the run a fold run belongs to: every item of the fold run and its seed items were embedded there, so the fold run takes their vectors and computes only its own prototypes (<see cref="ConceptScores{TItem}.ForSeedSet"/>).</summary>
    internal ConceptScores<TItem>? InheritedConcepts { get; init; }

    /// <summary>Makes the same job over <paramref name="items"/> with another seed set, no test set, and <paramref name="endModel"/> as its end model: a fold run of <see cref="EndModelChoiceRule.NestedSignTest"/>.</summary>
    /// <param name="seedSet">The seed items of the fold run.</param>
    /// <param name="endModel">The end model the run resolved.</param>
    /// <param name="items">The items the fold run labels: this job's items, or a sample of them (<see cref="NestedChoiceSample{TItem}"/>).</param>
    /// <param name="concepts">The outer run's concept scores, which the fold run derives its own from instead of embedding the items again (<see cref="InheritedConcepts"/>), or <see langword="null"/>.</param>
    /// <returns>The fold run's job, whose items are listed; the ids are this job's only when the items are; a streamed job's fold runs label in this process (no backend).</returns>
    internal LabelingJob<TItem> ForFold(IReadOnlyList<LabeledExample<TItem>> seedSet, IEndModel<TItem> endModel, IReadOnlyList<TItem> items, ConceptScores<TItem>? concepts = null) => new(Task, items)
    {
        InheritedConcepts = concepts,
        ItemIds = ReferenceEquals(items, Items) ? ItemIds : null,
        DatasetName = DatasetName,
        SeedSet = seedSet,
        Programs = Programs,
        Functions = Functions,
        EndModel = endModel,
        LabelingBackend = Source is null ? LabelingBackend : null,
        ItemEmbeddingGenerator = ItemEmbeddingGenerator,
        DescribeItem = DescribeItem,
    };
}
