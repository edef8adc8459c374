using System.Globalization;
using System.Text.Json;

namespace Alchemist;

/// <summary>Runs the whole labeling flow: synthesize programs, compile and gate them in the sandbox, apply them, analyze the votes, aggregate them with a label model, distill an end model, and report what it cost.</summary>
/// <remarks>
/// <para>
/// Data flows one way. The seed (dev) set is used to synthesize, to gate, to choose and fit the label model, and to
/// train the end model; a test set, when the job has one, is only scored. Programs given in
/// <see cref="LabelingJob{TItem}.Programs"/> (a reloaded program library) are re-run with no synthesizer call.
/// </para>
/// <para>
/// The pipeline is thread-safe: several runs may share it. Compiled programs are unloaded when a run ends.
/// </para>
/// <para>
/// By default (<see cref="LabelingPipelineOptions.Isolation"/>) each run compiles and runs its programs in sandbox
/// worker processes of its own, stopped when it ends; a program that crashes, exhausts or hangs its worker is
/// quarantined, and the run carries a warning that says what it did (see docs/sandbox.md). The job's hand-written
/// functions run in this process.
/// </para>
/// </remarks>
public sealed partial class LabelingPipeline
{
    private readonly IProgramSynthesizer[] _synthesizers;
    private readonly Func<LabelingPipelineOptions> _options;
    private readonly ProgramCompiler _compiler;
    private readonly ProgramGate _gate;
    private readonly LabelingFunctionApplier _applier;
    private readonly LabelModelCatalog _catalog;
    private readonly DirectLabelingCostEstimator _estimator;
    private readonly IServiceProvider? _services;

    /// <summary>The name of the label-matrix column holding the seed model's votes, when <see cref="LabelingPipelineOptions.SeedModelVoter"/> is on.</summary>
    public const string SeedModelVoterName = "seed-model";

    /// <summary>The number of items whose prompts the direct-labeling estimate counts, scaled to all items above it.</summary>
    private const int DirectLabelingSampleSize = 10_000;

    /// <summary>Initializes a new instance of the <see cref="LabelingPipeline"/> class.</summary>
    /// <param name="synthesizers">The synthesizers asked for programs, in order; may be empty when every job brings its programs.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Validated here; each run takes a snapshot of them when it starts, so a change between runs applies to the next run only.</param>
    /// <param name="compiler">The sandbox compiler; a default one when <see langword="null"/>.</param>
    /// <param name="gate">The program gate; a default one over <paramref name="compiler"/> when <see langword="null"/>.</param>
    /// <param name="applier">The applier that labels every item; a default one when <see langword="null"/>.</param>
    /// <param name="catalog">The label models by name; the built-in ones when <see langword="null"/>.</param>
    /// <param name="ledger">The ledger the chat synthesizers record their calls in, so the run can report them; an empty one when <see langword="null"/>.</param>
    /// <param name="estimator">The direct-labeling cost estimator; the <c>o200k_base</c> one when <see langword="null"/>.</param>
    /// <param name="services">Where a job without an end model finds one (an <see cref="IEndModel{TItem}"/> service), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="synthesizers"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the label model is not in the catalog.</exception>
    public LabelingPipeline(
        IEnumerable<IProgramSynthesizer> synthesizers,
        LabelingPipelineOptions? options = null,
        ProgramCompiler? compiler = null,
        ProgramGate? gate = null,
        LabelingFunctionApplier? applier = null,
        LabelModelCatalog? catalog = null,
        CostLedger? ledger = null,
        DirectLabelingCostEstimator? estimator = null,
        IServiceProvider? services = null)
        : this(synthesizers, Fixed(options), compiler, gate, applier, catalog, ledger, estimator, services)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LabelingPipeline"/> class whose options may change between runs, such as the current value of an options monitor.</summary>
    internal LabelingPipeline(
        IEnumerable<IProgramSynthesizer> synthesizers,
        Func<LabelingPipelineOptions> options,
        ProgramCompiler? compiler,
        ProgramGate? gate,
        LabelingFunctionApplier? applier,
        LabelModelCatalog? catalog,
        CostLedger? ledger,
        DirectLabelingCostEstimator? estimator,
        IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(synthesizers);
        _synthesizers = [.. synthesizers];
        if (Array.Exists(_synthesizers, s => s is null))
        {
            throw new ArgumentNullException(nameof(synthesizers), "The synthesizers hold a null entry.");
        }

        _options = options;
        _compiler = compiler ?? new ProgramCompiler();
        _gate = gate ?? new ProgramGate(_compiler);
        _applier = applier ?? new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 0.5 });
        _catalog = catalog ?? LabelModelCatalog.CreateDefault();
        Check(options(), nameof(options));

        Ledger = ledger ?? new CostLedger();
        _estimator = estimator ?? new DirectLabelingCostEstimator();
        _services = services;
    }

    /// <summary>The warning of a run with no seed labels: what it could not do.</summary>
    internal const string NoSeedLabelsWarning =
        "This run has no seed labels, so no program was checked against labeled items (no dev-accuracy floor), the label model was neither chosen nor weighted on them, " +
        "and the end model learned from the programs' votes alone; label some items to check and weigh the programs.";

    /// <summary>Gets the folder where a streamed run copies a file source's items (<see cref="ItemSpool"/>); the system's temporary folder when <see langword="null"/>.</summary>
    internal string? SpoolDirectory { get; init; }

    /// <summary>Gets the options the next run starts with.</summary>
    internal LabelingPipelineOptions Options => _options();

    /// <summary>Gets the sandbox compiler each run compiles its programs with.</summary>
    internal ProgramCompiler Compiler => _compiler;

    /// <summary>Gets the gate whose thresholds each run applies.</summary>
    internal ProgramGate ProgramGate => _gate;

    /// <summary>Gets the applier that labels the items.</summary>
    internal LabelingFunctionApplier Applier => _applier;

    /// <summary>Gets the synthesizers, in the order they are asked.</summary>
    public IReadOnlyList<IProgramSynthesizer> Synthesizers => _synthesizers;

    /// <summary>Gets the ledger whose summary each run reports as the synthesis cost.</summary>
    public CostLedger Ledger { get; }

    /// <summary>Runs the pipeline on a job.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="job">The task, the items, the seed set, and optionally hand-written functions, a test set or programs to reuse.</param>
    /// <param name="progress">Receives the stage and progress within it, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run; compiled programs are unloaded.</param>
    /// <returns>The run: labels, probabilities, programs, figures, cost and timings, and the trained end model (<see cref="LabelingRun{TItem}.TrainedEndModel"/>) to label new items with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The job has no end model, none is registered for its item type, and its items are not strings; or there is nothing to learn from (no function kept and no seed set).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<LabelingRun<TItem>> RunAsync<TItem>(LabelingJob<TItem> job, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ThrowIfNotStreamable(job);
        IEndModel<TItem> endModel = job.EndModel ?? _services?.GetService(typeof(IEndModel<TItem>)) as IEndModel<TItem> ?? DefaultEndModel<TItem>();
        return RunCoreAsync(job, endModel, progress, cancellationToken);
    }

    /// <summary>Synthesizes programs for a job and gates them, without labeling its items: what a review of the programs needs before a run.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="job">The task, the items (the gate runs every program on a sample of them), the seed set and hand-written functions; <see cref="LabelingJob{TItem}.Programs"/>, when set, are gated instead of synthesizing.</param>
    /// <param name="progress">Receives the stage and progress within it, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the synthesis; compiled programs are unloaded.</param>
    /// <returns>Every program with the gate's decision, what synthesis cost, and every synthesis call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<SynthesisResult> SynthesizeAsync<TItem>(LabelingJob<TItem> job, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        LabelingPipelineOptions snapshot = Snapshot();
        ThrowIfNotStreamable(job);
        (StreamedItems<TItem>? opened, LabelingRunContext<TItem> context) = await OpenRunAsync(job, snapshot, progress, cancellationToken).ConfigureAwait(false);
        using StreamedItems<TItem>? streamed = opened;
        using LabelingRunContext<TItem> run = context;

        await ConceptStage.PrepareAsync(run, _services, _synthesizers).ConfigureAwait(false);
        GatingStage<TItem> gating = Gating(run);
        IReadOnlyList<LabelingProgram> candidates = await SynthesizeProgramsAsync(run, gating).ConfigureAwait(false);
        GateDecisions<TItem> gated = Gate(run, gating, candidates);
        return new SynthesisResult
        {
            Task = job.Task,
            Programs = [.. RunOutcomes.Of(gated.Programs, kept: null, labeling: null, labelModel: null).Cast<ProgramOutcome>()],
            SynthesisCost = run.Ledger.GetSummary(),
            SynthesisAttempts = run.Log.GetOrderedAttempts(),
            ProgramsCompiled = run.Programs.Compilations,
            Timings = run.Timings,
            Elapsed = run.Elapsed,
            Warnings = run.Warnings,
        };
    }

    /// <summary>Opens a job's run: its streamed items when it has a source (read once here to count them, and copied to a spool when they come from a file), and the run's context over them or over the job's list, warning of a spool that could not be written.</summary>
    private async Task<(StreamedItems<TItem>? Streamed, LabelingRunContext<TItem> Run)> OpenRunAsync<TItem>(
        LabelingJob<TItem> job, LabelingPipelineOptions snapshot, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken, CostLedger? ledger = null)
    {
        // The workers start while the items are read: their start-up and the read each keep one processor busy. So
        // does the loading of the tokenizer the report's cost estimate counts with.
        _estimator.StartLoadingTokenizer();
        bool compiles = job.Programs is null ? _synthesizers.Length > 0 : job.Programs.Count > 0;
        WorkerProgramHost? workers = LabelingRunContext<TItem>.StartWorkers(snapshot, _compiler, compiles);
        StreamedItems<TItem>? streamed = null;
        try
        {
            streamed = job.Source is null ? null : await StreamedItems<TItem>.OpenAsync(job.Source, cancellationToken, SpoolDirectory).ConfigureAwait(false);
            var run = new LabelingRunContext<TItem>(job, (IReadOnlyList<TItem>?)streamed ?? job.Items, snapshot, ledger ?? Ledger, _compiler, workers, progress, cancellationToken);
            if (streamed?.SpoolError is { } spoolError)
            {
                run.Warnings.Add(spoolError);
            }

            return (streamed, run);
        }
        catch
        {
            streamed?.Dispose();
            workers?.Dispose();
            throw;
        }
    }

    /// <summary>Runs a job; a fold run of <see cref="EndModelChoiceRule.NestedSignTest"/> passes its own options (<paramref name="foldOptions"/>) and records its calls in the outer run's ledger (<paramref name="ledger"/>).</summary>
    private async Task<LabelingRun<TItem>> RunCoreAsync<TItem>(
        LabelingJob<TItem> job, IEndModel<TItem> endModel, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken, LabelingPipelineOptions? foldOptions = null, CostLedger? ledger = null)
    {
        LabelingPipelineOptions snapshot = foldOptions ?? Snapshot();
        ThrowIfNotStreamable(job);

        // A streamed job's items are read from its source, chunk by chunk, each time a stage needs all of them.
        (StreamedItems<TItem>? opened, LabelingRunContext<TItem> context) = await OpenRunAsync(job, snapshot, progress, cancellationToken, ledger).ConfigureAwait(false);
        using StreamedItems<TItem>? streamed = opened;
        using LabelingRunContext<TItem> run = context;
        (run.ChoiceRule, run.ChoiceSkipReason) = EndModelChoicePlan.Resolve(snapshot, job.Programs is not null, _synthesizers, streamed?.Count ?? job.Items.Count, NestedChoiceItemBound);

        LabelingPipelineOptions options = run.Options;
        IReadOnlyList<LabeledExample<TItem>> seed = job.SeedSet;
        int[] seedLabels = [.. seed.Select(e => e.Label)];
        if (seed.Count == 0)
        {
            run.Warnings.Add(NoSeedLabelsWarning);
        }

        await ConceptStage.PrepareAsync(run, _services, _synthesizers).ConfigureAwait(false);
        GatingStage<TItem> gating = Gating(run);

        IReadOnlyList<LabelingProgram> candidates = job.Programs ?? await SynthesizeProgramsAsync(run, gating).ConfigureAwait(false);
        GateDecisions<TItem> gated = Gate(run, gating, candidates);
        if (RunOutcomes.FailedAttemptsWarning(run.Log.GetOrderedAttempts()) is { } failedAttempts)
        {
            run.Warnings.Add(failedAttempts);
        }

        if (seed.Count == 0 && !gated.Functions.Any(d => d.Kept) && !gated.Programs.Any(d => d.Kept))
        {
            // Nothing could label the items: stop before labeling, saying what became of every program and call.
            throw new InvalidOperationException(RunOutcomes.NothingToLearnFrom(gated.Programs, run.Log.GetOrderedAttempts()));
        }

        run.Begin(PipelineStage.Apply, $"Labeling {run.Items.Count} items with {gated.Functions.Count(d => d.Kept) + gated.Programs.Count(d => d.Kept)} functions");
        GateDecision<TItem>[] kept = [.. gated.Functions.Concat(gated.Programs).Where(d => d.Kept)];
        var distillation = new DistillationStage<TItem>(endModel, job.Task.ClassCount, options.Seed)
        {
            TrainOnSeedSet = options.TrainEndModelOnSeedSet,
            SeedItemWeight = options.SeedItemWeight,
            UseSeedClassBalance = options.UseSeedClassBalance,
            SampleSize = options.EndModelSampleSize,
        };
        bool seedModelVoted = options.SeedModelVoter && kept.Length > 0 && distillation.CanVote(seed.Count);
        var labeling = new LabelingStage<TItem>(_applier, job.Task.ClassCount);
        GatheredKeptVotes? gathered = null;
        if (streamed is not null && kept.Length > 0 && job.LabelingBackend is IVoteKeepingBackend { KeepsVotes: true } keeping)
        {
            // The votes stay on the backend's silos: a run of its own from here (LabelingPipeline.KeptVotes.cs), unless
            // they barely repeat: then they are gathered, and the run goes on as the gathered streamed run.
            (LabelingRun<TItem>? keptRun, gathered) = await RunKeepingVotesAsync(run, streamed, keeping, gated, kept, distillation, seedModelVoted, endModel).ConfigureAwait(false);
            if (keptRun is not null)
            {
                return keptRun;
            }
        }

        // A streamed run's matrix is sized once for the source's count, with room for the seed model's column.
        // With a backend, the streamed run's items go to it as they are read and its shards' votes into that one matrix.
        // Concept programs run in this process on items read through the run's concept scores (StreamedConcepts).
        Func<CancellationToken, IAsyncEnumerable<TItem>>? applierRead = streamed is null ? null : StreamedConcepts.ApplierRead(streamed, run.Concepts, kept, _applier);
        LabelingStageResult labeled = gathered?.Labeled ?? (job.LabelingBackend is { } backend
            ? streamed is not null
                ? await labeling.RunAsync(
                    (IStreamingLabelingBackend)backend, kept, streamed.ItemsAsync, streamed.Count, seedModelVoted ? 1 : 0, seed, job.TestSet, ApplyProgress(progress, streamed.Count), cancellationToken, options.MatrixMemoryBudget, SpoolDirectory, applierRead).ConfigureAwait(false)
                : await labeling.RunAsync(backend, kept, job.Items, seed, job.TestSet, ApplyProgress(progress, job.Items.Count), cancellationToken).ConfigureAwait(false)
            : streamed is not null
            ? await labeling.RunAsync(
                kept, applierRead!(cancellationToken), streamed.Count, seedModelVoted ? 1 : 0, seed, job.TestSet, ApplyProgress(progress, streamed.Count), cancellationToken, options.MatrixMemoryBudget, SpoolDirectory).ConfigureAwait(false)
            : labeling.Run(kept, job.Items, seed, job.TestSet, ApplyProgress(progress, job.Items.Count), cancellationToken));

        // A spilled matrix (a mapped file, MatrixMemoryBudget) belongs to the run returned, which disposes it; until then, to this method.
        MappedVotes? spilled = labeled.Applied.Matrix.Mapped;
        try
        {
            run.End(PipelineStage.Apply);

            run.Begin(PipelineStage.Aggregate, "Fitting the label model");
            (LabelMatrix votes, LabelMatrix? seedVotes, LabelMatrix? testVotes) = (labeled.Applied.Matrix, labeled.SeedMatrix, labeled.TestMatrix);
            LabelMatrix? programVotes = labeled.Applied.Matrix;
            if (seedModelVoted)
            {
                // The end model trained on the seed labels votes beside the functions, as one more column. A streamed run
                // writes it into the matrix's own array (the programs' matrix is given up, and taken back at the end).
                programVotes = streamed is not null ? null : programVotes;
                (votes, seedVotes, testVotes) = gathered is not null
                    ? gathered.WithSeedModelColumn(votes, SeedModelVoterName) // the kept votes brought the seed model's column
                    : streamed is not null
                    ? await StreamedRun.AddSeedModelVoterAsync(
                        distillation, SeedModelVoterName, votes, seedVotes!, testVotes, streamed, seed, job.TestSet?.Select(e => e.Item).ToArray(), cancellationToken).ConfigureAwait(false)
                    : await distillation.AddSeedModelVoterAsync(
                        SeedModelVoterName, votes, seedVotes!, testVotes, job.Items, seed, job.TestSet?.Select(e => e.Item).ToArray(), cancellationToken).ConfigureAwait(false);
            }

            // A streamed run holds the label model's distributions per distinct vote row when the model allows, not per item.
            var aggregation = new AggregationStage(_catalog, options.LabelModel, options.SelectionMetric, options.Seed);
            LabelModel? labelModel = aggregation.FitModel(votes, seedVotes, seedLabels, run.Warnings, cancellationToken);
            ClassProbabilities? labelProbabilities = labelModel is null || streamed is not null ? null : labelModel.PredictProbabilities(votes);
            ItemDistributions? itemDistributions = labelModel is null || streamed is null ? null : ItemDistributions.Predict(labelModel, votes);
            run.End(PipelineStage.Aggregate);

            run.Begin(PipelineStage.Distill, $"Training the end model ({endModel.Name})");
            ITrainedEndModel<TItem> trained, distilled;
            EndModelChoice? choice;
            string? choiceSkipReason;
            ClassProbabilities probabilities;
            StreamedLabelSummary? streamedLabels = null;
            if (streamed is not null)
            {
                // Only the sampled training items are gathered (and, in the same read, the nested choice's items); the labels go to the sink as they are made.
                NestedChoiceSample<TItem>? foldSample = run.ChoiceRule == EndModelChoiceRule.NestedSignTest ? new(streamed.Count, NestedChoiceItemBound, options.Seed) : null;
                EndModelTrainingSet<TItem>? sample = await StreamedRun.TrainingSampleAsync(streamed, votes, itemDistributions, options.EndModelSampleSize, options.Seed, cancellationToken, foldSample).ConfigureAwait(false);
                itemDistributions = null;
                distilled = await distillation.TrainOnAsync(sample, seed, cancellationToken).ConfigureAwait(false);
                (trained, choice, choiceSkipReason) = await ChooseShippedAsync(run, endModel, distillation, distilled, sample, foldSample?.Items).ConfigureAwait(false);
                foldSample = null;
                sample = null;
                streamedLabels = await StreamedRun.PredictAsync(trained, streamed, job.LabelSink!, job.Task.ClassCount, options.Seed, cancellationToken, job.LabelingBackend).ConfigureAwait(false);
                probabilities = new ClassProbabilities(0, job.Task.ClassCount, Array.Empty<double>());
            }
            else
            {
                EndModelTrainingSet<TItem>? weak = distillation.WeakTrainingSet(job.Items, votes, labelProbabilities);
                distilled = await distillation.TrainOnAsync(weak, seed, cancellationToken).ConfigureAwait(false);
                (trained, choice, choiceSkipReason) = await ChooseShippedAsync(run, endModel, distillation, distilled, weak, foldItems: null).ConfigureAwait(false);
                probabilities = await trained.PredictProbabilitiesAsync(job.Items, cancellationToken).ConfigureAwait(false);
            }

            RunScores? testScores = await ScoreTestAsync(run, distillation, trained, labelModel, testVotes).ConfigureAwait(false);
            (ITrainedEndModel<TItem>? seedOnlyModel, DirectLabelingEstimate? direct) = await FinishAsync(run, distillation).ConfigureAwait(false);

            // The programs' votes without the seed model's column, moved back together in the same array (the matrix with
            // the column is given up: nothing reads it after this).
            programVotes ??= votes.RemoveLastColumnInPlace();

            return new LabelingRun<TItem>
            {
                TrainedEndModel = trained,
                SeedOnlyModel = seedOnlyModel,
                DistilledEndModel = distilled,
                EndModelChoice = choice,
                EndModelChoiceSkipReason = choiceSkipReason,
                Task = job.Task,
                DatasetName = job.DatasetName ?? job.Task.Name,
                ItemIds = streamed is not null ? [] : job.ItemIds ?? [.. Enumerable.Range(0, job.Items.Count).Select(i => i.ToString(CultureInfo.InvariantCulture))],
                Probabilities = probabilities,
                Labels = streamed is not null ? [] : probabilities.Predict(TieBreak.Random(options.Seed)),
                StreamedLabels = streamedLabels,
                LabelModelProbabilities = labelProbabilities,
                Matrix = programVotes,
                MatrixSpillBytes = spilled?.Length,
                SeedModelVoted = seedModelVoted,
                Programs = [.. RunOutcomes.Of(gated.Programs, kept, labeled, labelModel).Cast<ProgramOutcome>()],
                Functions = [.. RunOutcomes.Of(gated.Functions, kept, labeled, labelModel).Cast<FunctionOutcome>()],
                ProgramsCompiled = run.Programs.Compilations,
                Analysis = labeled.Analysis,
                LabelModel = labelModel?.FitReport,
                EndModel = trained.TrainingReport,
                EndModelName = endModel.Name,
                Test = testScores,
                SeedItems = seed.Count,
                SynthesisCost = run.Ledger.GetSummary(),
                DirectLabeling = direct,
                SynthesisAttempts = run.Log.GetOrderedAttempts(),
                Timings = run.Timings,
                Elapsed = run.Elapsed,
                StartedAt = run.StartedAt,
                Warnings = run.Warnings,
                Seed = options.Seed,
                Concepts = ConceptStage.Summarize(run),
            };
        }
        catch
        {
            spilled?.Dispose();
            throw;
        }
    }

    private static Func<LabelingPipelineOptions> Fixed(LabelingPipelineOptions? options)
    {
        LabelingPipelineOptions value = options ?? new LabelingPipelineOptions();
        return () => value;
    }

    /// <summary>Ends the distill stage (the seed-only baseline, the quarantine warnings) and runs the report stage's cost estimate: the last steps every run takes.</summary>
    private async Task<(ITrainedEndModel<TItem>? SeedOnlyModel, DirectLabelingEstimate? Direct)> FinishAsync<TItem>(LabelingRunContext<TItem> run, DistillationStage<TItem> distillation)
    {
        IReadOnlyList<LabeledExample<TItem>> seed = run.Job.SeedSet;
        ITrainedEndModel<TItem>? seedOnlyModel = seed.Count > 0 && run.Options.ScoreSeedOnlyBaseline
            ? await distillation.SeedOnlyModelAsync(seed, run.CancellationToken).ConfigureAwait(false)
            : distillation.TrainedSeedOnlyModel;
        run.End(PipelineStage.Distill);

        if (run.Workers is not null)
        {
            run.Warnings.AddRange(run.Workers.Quarantined.Select(q => $"The program '{q.ProgramName}' was quarantined by its sandbox worker process: {q.Reason}"));
        }

        run.Begin(PipelineStage.Report, "Estimating costs");
        DirectLabelingEstimate? direct = EstimateDirectLabeling(run);
        run.End(PipelineStage.Report);
        return (seedOnlyModel, direct);
    }

    /// <summary>Takes the run's snapshot of the options and checks it, so a run never starts with options that became invalid.</summary>
    private LabelingPipelineOptions Snapshot()
    {
        LabelingPipelineOptions snapshot = _options().Snapshot();
        Check(snapshot, "options");
        return snapshot;
    }

    private void Check(LabelingPipelineOptions options, string paramName)
    {
        OptionsValidation.ThrowIfInvalid(new LabelingPipelineOptionsValidator(), options, paramName);
        if (!_catalog.Contains(options.LabelModel))
        {
            throw new ArgumentException($"Unknown label model '{options.LabelModel}'. Known label models: {string.Join(", ", _catalog.Names)}.", paramName);
        }
    }

    private GatingStage<TItem> Gating<TItem>(LabelingRunContext<TItem> run) =>
        new(_gate, run.Programs, _applier, run.Job.Task, run.Sample, run.Job.SeedSet, run.Job.Functions, run.Options.GateHandWrittenFunctions);

    private async Task<IReadOnlyList<LabelingProgram>> SynthesizeProgramsAsync<TItem>(LabelingRunContext<TItem> run, GatingStage<TItem> gating)
    {
        run.Begin(PipelineStage.Synthesize, "Synthesizing programs");
        var request = new SynthesisRequest<TItem>(run.Job.Task)
        {
            Examples = run.Job.SeedSet,
            UnlabeledSample = run.Items,
            Validator = gating.Validator,
            Log = run.Log,
            Ledger = run.Ledger,
            Concepts = run.Concepts,
        };
        IReadOnlyList<LabelingProgram> programs = await new SynthesisStage(_synthesizers, run.Options.ProgramsPerSynthesizer, run.Options.FeedbackRounds)
            .RunAsync(
                request,
                gating.Feedback,
                run.Warnings,
                (synthesizer, program, count) => run.Progress?.Report(new PipelineProgress(PipelineStage.Synthesize, $"{synthesizer}: {program.Name}", count, null)),
                run.CancellationToken)
            .ConfigureAwait(false);
        run.End(PipelineStage.Synthesize);
        return programs;
    }

    private static GateDecisions<TItem> Gate<TItem>(LabelingRunContext<TItem> run, GatingStage<TItem> gating, IReadOnlyList<LabelingProgram> candidates)
    {
        run.Begin(PipelineStage.Gate, $"Compiling and gating {candidates.Count} programs");
        GateDecisions<TItem> gated = gating.Evaluate(candidates, run.CancellationToken);
        run.End(PipelineStage.Gate);
        return gated;
    }

    private static async Task<RunScores?> ScoreTestAsync<TItem>(
        LabelingRunContext<TItem> run, DistillationStage<TItem> distillation, ITrainedEndModel<TItem> trained, LabelModel? labelModel, LabelMatrix? testVotes)
    {
        if (run.Job.TestSet is not { Count: > 0 } test)
        {
            return null;
        }

        LabelingPipelineOptions options = run.Options;
        int[] gold = [.. test.Select(e => e.Label)];
        ClassificationScores? labelScores = labelModel is not null && testVotes is not null
            ? ClassificationMetrics.Score(gold, labelModel.Predict(testVotes, TieBreak.Random(options.Seed)), run.Job.Task.ClassCount)
            : null;
        ClassificationScores endScores = await distillation.ScoreAsync(trained, test, run.CancellationToken).ConfigureAwait(false);
        ClassificationScores? seedScores = null;
        if (options.ScoreSeedOnlyBaseline && run.Job.SeedSet.Count > 0)
        {
            ITrainedEndModel<TItem> seedOnly = await distillation.SeedOnlyModelAsync(run.Job.SeedSet, run.CancellationToken).ConfigureAwait(false);
            seedScores = await distillation.ScoreAsync(seedOnly, test, run.CancellationToken).ConfigureAwait(false);
        }

        var scores = new RunScores("test", labelScores, endScores, seedScores) { Metric = options.SelectionMetric };
        if (scores.GainOverSeedOnly < 0)
        {
            run.Warnings.Add(scores.VerdictSentence()!);
        }

        return scores;
    }

    private DirectLabelingEstimate? EstimateDirectLabeling<TItem>(LabelingRunContext<TItem> run)
    {
        if (run.Options.DirectLabelingModel is not { } model)
        {
            return null;
        }

        Func<TItem, string> describe = run.Job.DescribeItem ?? Describe;
        run.Ledger.TryGetPrice(model, out ModelPrice? price);
        return _estimator.EstimateFromSample(run.Job.Task, run.Items, DirectLabelingSampleSize, run.Options.Seed, describe, model, price, run.CancellationToken);

        static string Describe(TItem item) => item switch
        {
            string text => text,
            null => string.Empty,
            _ => JsonSerializer.Serialize(item, item.GetType()),
        };
    }

    /// <summary>Refuses, before any work, what a streamed job (<see cref="LabelingJob{TItem}.Source"/>) cannot do because it needs every item at once; nothing for a job with items.</summary>
    /// <param name="job">The job.</param>
    private void ThrowIfNotStreamable<TItem>(LabelingJob<TItem> job)
    {
        ThrowIfVotesCannotStayOnBackend(job);
        if (job.Source is null)
        {
            return;
        }

        if (job.LabelingBackend is { } backend and not IStreamingLabelingBackend)
        {
            throw new ArgumentException(
                $"A streamed job (LabelingJob.Source) can use a LabelingJob.LabelingBackend only if it streams (IStreamingLabelingBackend); {backend.GetType().Name} takes every item at once. " +
                "Use a backend that streams, leave LabelingBackend unset, or give the items as a list.",
                nameof(job));
        }

        if (job.ItemIds is not null)
        {
            throw new ArgumentException("A streamed job (LabelingJob.Source) takes its ids from the source; leave LabelingJob.ItemIds unset.", nameof(job));
        }
    }

    private static StageProgress? ApplyProgress(IProgress<PipelineProgress>? progress, int total) =>
        progress is null ? null : new StageProgress(progress, total);

    private static IEndModel<TItem> DefaultEndModel<TItem>() =>
        (object)LogisticRegressionEndModel.ForText() is IEndModel<TItem> forText && typeof(TItem) == typeof(string)
            ? forText
            : throw new InvalidOperationException($"The job's items are {typeof(TItem).Name}, not strings; set LabelingJob.EndModel to an end model for them, for example new LogisticRegressionEndModel<{typeof(TItem).Name}>(options, item => item.Text).");

    /// <summary>Relays the applier's progress as the pipeline's.</summary>
    private sealed class StageProgress(IProgress<PipelineProgress> inner, long total) : IProgress<LabelingProgress>
    {
        public void Report(LabelingProgress value) =>
            inner.Report(new PipelineProgress(PipelineStage.Apply, "Labeling items", value.ItemsLabeled, value.TotalItems ?? total));
    }
}
