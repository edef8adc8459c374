using System.Diagnostics;

namespace Alchemist;

/// <summary>
/// One run of a <see cref="LabelingPipeline"/>: what belongs to the run and to no other, however many runs share the
/// pipeline (sequentially or at once): a snapshot of the options, the scope of the cost ledger that holds exactly this
/// run's chat calls, the synthesis log, the sandbox worker processes that compile and run its programs (unless they run
/// in this process), the cache of compiled programs (each distinct program compiled once), the gate sample, the
/// warnings and the stage timings.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>Disposing the context unloads every program the run compiled and stops its worker processes.</remarks>
internal sealed class LabelingRunContext<TItem> : IDisposable
{
    private readonly IProgress<PipelineProgress>? _progress;
    private readonly List<StageTiming> _timings = [];
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Gets when the run started, by the wall clock.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    private long _stageStarted;

    /// <summary>Initializes a run over <paramref name="items"/>; it owns <paramref name="workers"/> (from <see cref="StartWorkers"/>) and stops them when disposed.</summary>
    public LabelingRunContext(
        LabelingJob<TItem> job,
        IReadOnlyList<TItem> items,
        LabelingPipelineOptions options,
        CostLedger ledger,
        ProgramCompiler compiler,
        WorkerProgramHost? workers,
        IProgress<PipelineProgress>? progress,
        CancellationToken cancellationToken)
    {
        Job = job;
        Items = items;
        Options = options;
        Ledger = ledger.CreateScope();
        Workers = workers;
        Programs = new ProgramCache(new ConceptGateCompiler(Workers is null ? new SandboxGateCompiler(compiler) : new WorkerGateCompiler(Workers), () => Concepts));
        Sample = Sampled(items, Options.GateSampleSize, Options.Seed);
        _progress = progress;
        CancellationToken = cancellationToken;
    }

    /// <summary>
    /// Makes the run's sandbox worker host when its programs run in worker processes (<see langword="null"/>
    /// otherwise), checks that items of type <typeparamref name="TItem"/> can be carried to workers started here, and
    /// starts the workers in the background when the run will compile programs (<paramref name="compiles"/>), so that
    /// their start-up overlaps the reading of the items.
    /// </summary>
    /// <exception cref="NotSupportedException">Workers cannot carry these items or cannot start here; the message says why.</exception>
    /// <exception cref="IOException">The workers' folder cannot be made in the temporary folder.</exception>
    public static WorkerProgramHost? StartWorkers(LabelingPipelineOptions options, ProgramCompiler compiler, bool compiles)
    {
        if (options.Isolation != ProgramIsolation.WorkerProcesses)
        {
            return null;
        }

        // Untrusted programs compile and run in this run's sandbox worker processes, which end with it.
        var workers = new WorkerProgramHost(WorkerHostOptions.From(compiler.Options, options.Workers));
        try
        {
            workers.CheckItemType<TItem>();
            if (compiles)
            {
                workers.StartWarmUp<TItem>();
            }

            return workers;
        }
        catch
        {
            workers.Dispose();
            throw;
        }
    }

    /// <summary>Gets the job.</summary>
    public LabelingJob<TItem> Job { get; }

    /// <summary>Gets the items to label: the job's <see cref="LabelingJob{TItem}.Items"/>, or for a streamed job its source read as a list (<see cref="StreamedItems{TItem}"/>), which samples without holding every item.</summary>
    public IReadOnlyList<TItem> Items { get; }

    /// <summary>Gets the run's snapshot of the options, taken when it started; changing the pipeline's options later does not change this run.</summary>
    public LabelingPipelineOptions Options { get; }

    /// <summary>Gets the run's scope of the pipeline's cost ledger: exactly the calls this run made.</summary>
    public CostLedger Ledger { get; }

    /// <summary>Gets the record of every synthesis call of this run.</summary>
    public SynthesisLog Log { get; } = new();

    /// <summary>Gets the run's sandbox worker processes, or <see langword="null"/> when its programs run in this process (<see cref="LabelingPipelineOptions.Isolation"/>).</summary>
    public WorkerProgramHost? Workers { get; }

    /// <summary>Gets the run's concept scores, or <see langword="null"/> when it has no embedding generator (or has not computed them yet).</summary>
    public ConceptScores<TItem>? Concepts
    {
        get;
        set
        {
            field = value;
            if (value is not null)
            {
                Workers?.BindConcepts(value);
            }
        }
    }

    /// <summary>Gets or sets the rule of the run's final check against the seed-only model (<see cref="EndModelChoicePlan"/>), decided when the run opens.</summary>
    public EndModelChoiceRule ChoiceRule { get; set; }

    /// <summary>Gets or sets why the run is not checked against the seed-only model, when <see cref="ChoiceRule"/> is <see cref="EndModelChoiceRule.Off"/>.</summary>
    public string? ChoiceSkipReason { get; set; }

    /// <summary>Gets the run's compiled programs, through which every stage compiles.</summary>
    public ProgramCache Programs { get; }

    /// <summary>Gets the items every candidate runs on in self-repair and in the gate: a seeded sample of the job's items.</summary>
    public TItem[] Sample { get; }

    /// <summary>Gets the warnings a user should read.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Gets the duration of each stage so far.</summary>
    public IReadOnlyList<StageTiming> Timings => _timings;

    /// <summary>Gets the time since the run started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Gets the run's cancellation token.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the progress sink, or <see langword="null"/>.</summary>
    public IProgress<PipelineProgress>? Progress => _progress;

    /// <summary>Starts a stage: checks for cancellation and reports it.</summary>
    public void Begin(PipelineStage stage, string message)
    {
        CancellationToken.ThrowIfCancellationRequested();
        _stageStarted = Stopwatch.GetTimestamp();
        _progress?.Report(new PipelineProgress(stage, message, 0, null));
    }

    /// <summary>Ends a stage and records its duration.</summary>
    public void End(PipelineStage stage) => _timings.Add(new StageTiming(stage, Stopwatch.GetElapsedTime(_stageStarted)));

    /// <summary>Unloads every program the run compiled and stops its worker processes.</summary>
    public void Dispose()
    {
        Programs.Dispose();
        Workers?.Dispose();
    }

    private static TItem[] Sampled(IReadOnlyList<TItem> items, int size, int seed)
    {
        return [.. SeededSample.Indices(items.Count, size, seed).Select(i => items[i])];
    }
}
