using System.Diagnostics;
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
/// quarantined, and the run carries a warning that says what it did (see docs/sandbox.md).
/// </para>
/// </remarks>
public sealed class LabelingPipeline
{
    private readonly IProgramSynthesizer[] _synthesizers;
    private readonly LabelingPipelineOptions _options;
    private readonly ProgramCompiler _compiler;
    private readonly ProgramGate _gate;
    private readonly LabelingFunctionApplier _applier;
    private readonly LabelModelCatalog _catalog;
    private readonly DirectLabelingCostEstimator _estimator;
    private readonly IServiceProvider? _services;
    private const int SeedVoterFolds = 5;

    /// <summary>The name of the label-matrix column holding the seed model's votes, when <see cref="LabelingPipelineOptions.SeedModelVoter"/> is on.</summary>
    public const string SeedModelVoterName = "seed-model";

    /// <summary>Initializes a new instance of the <see cref="LabelingPipeline"/> class.</summary>
    /// <param name="synthesizers">The synthesizers asked for programs, in order; may be empty when every job brings its programs.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
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
    {
        ArgumentNullException.ThrowIfNull(synthesizers);
        _synthesizers = [.. synthesizers];
        if (Array.Exists(_synthesizers, s => s is null))
        {
            throw new ArgumentNullException(nameof(synthesizers), "The synthesizers hold a null entry.");
        }

        _options = options ?? new LabelingPipelineOptions();
        _options.Validate();
        _compiler = compiler ?? new ProgramCompiler();
        _gate = gate ?? new ProgramGate(_compiler);
        _applier = applier ?? new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 0.5 });
        _catalog = catalog ?? LabelModelCatalog.CreateDefault();
        if (!_catalog.Contains(_options.LabelModel))
        {
            throw new ArgumentException($"Unknown label model '{_options.LabelModel}'. Known label models: {string.Join(", ", _catalog.Names)}.", nameof(options));
        }

        Ledger = ledger ?? new CostLedger();
        _estimator = estimator ?? new DirectLabelingCostEstimator();
        _services = services;
    }

    /// <summary>Gets the synthesizers, in the order they are asked.</summary>
    public IReadOnlyList<IProgramSynthesizer> Synthesizers => _synthesizers;

    /// <summary>Gets the ledger whose summary each run reports as the synthesis cost.</summary>
    public CostLedger Ledger { get; }

    /// <summary>Runs the pipeline on a job.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="job">The task, the items, the seed set, and optionally a test set or programs to reuse.</param>
    /// <param name="progress">Receives the stage and progress within it, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run; compiled programs are unloaded.</param>
    /// <returns>The run: labels, probabilities, programs, figures, cost and timings, and the trained end model (<see cref="LabelingRun{TItem}.TrainedEndModel"/>) to label new items with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The job has no end model, none is registered for its item type, and its items are not strings; or there is nothing to learn from (no program kept and no seed set).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<LabelingRun<TItem>> RunAsync<TItem>(LabelingJob<TItem> job, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        IEndModel<TItem> endModel = job.EndModel ?? _services?.GetService(typeof(IEndModel<TItem>)) as IEndModel<TItem> ?? DefaultEndModel<TItem>();
        return new PipelineRun<TItem>(this, job, endModel, progress, cancellationToken).RunAsync();
    }

    private static IEndModel<TItem> DefaultEndModel<TItem>() =>
        (object)LogisticRegressionEndModel.ForText() is IEndModel<TItem> forText && typeof(TItem) == typeof(string)
            ? forText
            : throw new InvalidOperationException($"The job's items are {typeof(TItem).Name}, not strings; set LabelingJob.EndModel to an end model for them, for example new LogisticRegressionEndModel<{typeof(TItem).Name}>(options, item => item.Text).");

    /// <summary>One run: the stages in order, with their timings.</summary>
    private sealed class PipelineRun<TItem>(LabelingPipeline owner, LabelingJob<TItem> job, IEndModel<TItem> endModel, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        private readonly LabelingPipelineOptions _options = owner._options;
        private readonly List<StageTiming> _timings = [];
        private readonly List<string> _warnings = [];
        private readonly SynthesisLog _log = new();
        private readonly int _classCount = job.Task.ClassCount;
        private long _stageStarted;
        private ITrainedEndModel<TItem>? _seedOnlyModel;
        private WorkerProgramHost? _workers;
        private ProgramGate _gate = owner._gate;

        public async Task<LabelingRun<TItem>> RunAsync()
        {
            // Untrusted programs compile and run in this run's sandbox worker processes, which end with it.
            using WorkerProgramHost? workers = _options.Isolation == ProgramIsolation.WorkerProcesses
                ? new WorkerProgramHost(WorkerHostOptions.From(owner._compiler.Options, _options.Workers))
                : null;
            if (workers is not null)
            {
                workers.CheckItemType<TItem>();
                _workers = workers;
                _gate = owner._gate.WithCompiler(new WorkerGateCompiler(workers));
            }

            return await RunCoreAsync().ConfigureAwait(false);
        }

        private async Task<LabelingRun<TItem>> RunCoreAsync()
        {
            long started = Stopwatch.GetTimestamp();
            IReadOnlyList<TItem> items = job.Items;
            IReadOnlyList<LabeledExample<TItem>> seed = job.SeedSet;
            TItem[] sample = Sample(items, _options.GateSampleSize, _options.Seed);

            Begin(PipelineStage.Synthesize, "Synthesizing programs");
            List<LabelingProgram> candidates = job.Programs is { } reused ? [.. reused] : await SynthesizeAsync(sample).ConfigureAwait(false);
            End(PipelineStage.Synthesize);

            Begin(PipelineStage.Gate, $"Compiling and gating {candidates.Count} programs");
            using ProgramGateResult<TItem> gated = _gate.Evaluate(candidates, job.Task, sample, seed.Count > 0 ? seed : null, cancellationToken);
            End(PipelineStage.Gate);

            Begin(PipelineStage.Apply, $"Labeling {items.Count} items with {gated.Kept.Count} programs");
            // Overruns are counted while the programs label the job's items, the figure the report gives; programs in
            // worker processes count their own.
            ILabelingFunction<TItem>[] functions = [.. gated.Kept.Select(k => k.Function is WorkerLabelingFunction<TItem> ? k.Function : new OverrunCounter<TItem>(k.Function))];
            long[] overrunsBefore = [.. functions.Select(OverrunsSoFar)];
            ILabelingFunction<TItem>[] plain = [.. gated.Kept.Select(k => k.Function)];
            LabelingResult applied = owner._applier.Apply(items, functions, _classCount, ApplyProgress(items.Count), cancellationToken);
            long[] overruns = [.. functions.Select((f, j) => OverrunsSoFar(f) - overrunsBefore[j])];
            LabelMatrix? seedMatrix = seed.Count > 0 ? owner._applier.Apply(seed.Select(e => e.Item), plain, _classCount, cancellationToken: cancellationToken).Matrix : null;
            LabelMatrix? testMatrix = job.TestSet is { Count: > 0 } test && plain.Length > 0
                ? owner._applier.Apply(test.Select(e => e.Item), plain, _classCount, cancellationToken: cancellationToken).Matrix
                : null;
            LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(applied.Matrix);
            LabelingFunctionAnalysis? seedAnalysis = seedMatrix is null ? null : LabelingFunctionAnalysis.Analyze(seedMatrix, [.. seed.Select(e => e.Label)]);
            End(PipelineStage.Apply);

            Begin(PipelineStage.Aggregate, "Fitting the label model");
            LabelMatrix votes = applied.Matrix;
            bool seedModelVoted = _options.SeedModelVoter && functions.Length > 0 && seed.Count >= SeedVoterFolds * _classCount;
            if (seedModelVoted)
            {
                (votes, seedMatrix, testMatrix) = await AddSeedModelVoterAsync(items, votes, seedMatrix!, testMatrix, seed).ConfigureAwait(false);
            }

            (LabelModel? labelModel, ClassProbabilities? labelProbabilities) = Aggregate(votes, seedMatrix, seed);
            End(PipelineStage.Aggregate);

            Begin(PipelineStage.Distill, $"Training the end model ({endModel.Name})");
            ITrainedEndModel<TItem> trained = await DistillAsync(items, votes, labelProbabilities, seed).ConfigureAwait(false);
            ClassProbabilities probabilities = await trained.PredictProbabilitiesAsync(items, cancellationToken).ConfigureAwait(false);
            RunScores? testScores = await ScoreTestAsync(labelModel, testMatrix, trained, seed).ConfigureAwait(false);
            End(PipelineStage.Distill);

            if (_workers is not null)
            {
                _warnings.AddRange(_workers.Quarantined.Select(q => $"The program '{q.ProgramName}' was quarantined by its sandbox worker process: {q.Reason}"));
            }

            Begin(PipelineStage.Report, "Estimating costs");
            DirectLabelingEstimate? direct = EstimateDirectLabeling(items);
            End(PipelineStage.Report);

            return new LabelingRun<TItem>
            {
                TrainedEndModel = trained,
                SeedOnlyModel = seed.Count > 0 && _options.ScoreSeedOnlyBaseline ? await SeedOnlyModelAsync(seed).ConfigureAwait(false) : _seedOnlyModel,
                Task = job.Task,
                DatasetName = job.DatasetName ?? job.Task.Name,
                ItemIds = job.ItemIds ?? [.. Enumerable.Range(0, items.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                Probabilities = probabilities,
                Labels = probabilities.Predict(TieBreak.Random(_options.Seed)),
                LabelModelProbabilities = labelProbabilities,
                Matrix = applied.Matrix,
                SeedModelVoted = seedModelVoted,
                Programs = Records(gated, analysis, seedAnalysis, applied, overruns),
                Analysis = analysis,
                LabelModel = labelModel?.FitReport,
                EndModel = trained.TrainingReport,
                EndModelName = endModel.Name,
                Test = testScores,
                SeedItems = seed.Count,
                SynthesisCost = owner.Ledger.GetSummary(),
                DirectLabeling = direct,
                SynthesisAttempts = _log.GetOrderedAttempts(),
                Timings = _timings,
                Elapsed = Stopwatch.GetElapsedTime(started),
                Warnings = _warnings,
                Seed = _options.Seed,
            };
        }

        private async Task<List<LabelingProgram>> SynthesizeAsync(TItem[] sample)
        {
            var programs = new List<LabelingProgram>();
            SandboxProgramValidator<TItem> validator = _workers is null
                ? new SandboxProgramValidator<TItem>(owner._compiler, sample, _classCount)
                : SandboxProgramValidator<TItem>.InWorkers(_workers, sample, _classCount);
            SynthesisFeedback<TItem>? feedback = null;
            for (int round = 1; round <= 1 + _options.FeedbackRounds; round++)
            {
                IProgramSynthesizer[] asked = round == 1 ? owner._synthesizers : [.. owner._synthesizers.Where(s => s.AcceptsFeedback)];
                if (asked.Length == 0)
                {
                    break;
                }

                if (round > 1)
                {
                    feedback = Feedback(programs, sample);
                    if (feedback.IsEmpty)
                    {
                        break;
                    }
                }

                foreach (IProgramSynthesizer synthesizer in asked)
                {
                    var request = new SynthesisRequest<TItem>(job.Task)
                    {
                        ProgramCount = _options.ProgramsPerSynthesizer,
                        Examples = job.SeedSet,
                        UnlabeledSample = job.Items,
                        Validator = validator,
                        Log = _log,
                        Feedback = feedback,
                        ProgramNamePrefix = round == 1
                            ? SynthesisRequest<TItem>.DefaultProgramNamePrefix
                            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SynthesisRequest<TItem>.DefaultProgramNamePrefix}-r{round}"),
                    };
                    await SynthesizeWithAsync(synthesizer, request, programs).ConfigureAwait(false);
                }
            }

            return programs;
        }

        private async Task SynthesizeWithAsync(IProgramSynthesizer synthesizer, SynthesisRequest<TItem> request, List<LabelingProgram> programs)
        {
            int before = programs.Count;
            try
            {
                await foreach (LabelingProgram program in synthesizer.SynthesizeAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    programs.Add(program);
                    progress?.Report(new PipelineProgress(PipelineStage.Synthesize, $"{synthesizer.Name}: {program.Name}", programs.Count, null));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _warnings.Add($"The '{synthesizer.Name}' synthesizer failed after {programs.Count - before} programs: {ex.Message}");
            }
        }

        /// <summary>Gates the programs so far and shows their gaps: the seed items (or sample items) no kept program covers or where kept ones disagree, and why programs were dropped.</summary>
        private SynthesisFeedback<TItem> Feedback(List<LabelingProgram> programs, TItem[] sample)
        {
            IReadOnlyList<LabeledExample<TItem>> seed = job.SeedSet;
            using ProgramGateResult<TItem> gated = _gate.Evaluate(programs, job.Task, sample, seed.Count > 0 ? seed : null, cancellationToken);
            string[] problems = [.. gated.Dropped.Take(5).Select(d => $"{d.Program.Name}: {d.Message}")];
            IReadOnlyList<TItem> items = seed.Count > 0 ? [.. seed.Select(e => e.Item)] : sample;
            LabelMatrix votes = owner._applier.Apply(items, gated.Functions, _classCount, cancellationToken: cancellationToken).Matrix;
            return SynthesisFeedback.FromVotes(items, votes, seed.Count > 0 ? [.. seed.Select(e => e.Label)] : null, problems: problems);
        }

        private async Task<(LabelMatrix Votes, LabelMatrix SeedVotes, LabelMatrix? TestVotes)> AddSeedModelVoterAsync(
            IReadOnlyList<TItem> items, LabelMatrix votes, LabelMatrix seedVotes, LabelMatrix? testVotes, IReadOnlyList<LabeledExample<TItem>> seed)
        {
            // The end model trained on the seed labels votes beside the programs. Its votes on the seed items come from
            // models that did not see them (k-fold), so the label model judges it as honestly as it judges a program.
            ITrainedEndModel<TItem> seedModel = await SeedOnlyModelAsync(seed).ConfigureAwait(false);
            sbyte[] onItems = await VotesAsync(seedModel, items).ConfigureAwait(false);
            var onSeed = new sbyte[seed.Count];
            int[] fold = DevFolds.Shuffled([.. seed.Select(e => e.Label)], _classCount, SeedVoterFolds, _options.Seed);
            for (int f = 0; f < SeedVoterFolds; f++)
            {
                int current = f;
                LabeledExample<TItem>[] inFold = [.. seed.Where((_, i) => fold[i] != current)];
                int[] held = [.. Enumerable.Range(0, seed.Count).Where(i => fold[i] == current)];
                ITrainedEndModel<TItem> foldModel = await endModel.TrainAsync(SeedTrainingSet(inFold), cancellationToken).ConfigureAwait(false);
                sbyte[] heldVotes = await VotesAsync(foldModel, [.. held.Select(i => seed[i].Item)]).ConfigureAwait(false);
                for (int h = 0; h < held.Length; h++)
                {
                    onSeed[held[h]] = heldVotes[h];
                }
            }

            LabelMatrix? test = null;
            if (testVotes is not null && job.TestSet is { } testSet)
            {
                test = AppendColumn(testVotes, await VotesAsync(seedModel, [.. testSet.Select(e => e.Item)]).ConfigureAwait(false));
            }

            return (AppendColumn(votes, onItems), AppendColumn(seedVotes, onSeed), test);
        }

        /// <summary>The end model trained on the seed labels alone: the seed-model voter and the seed-only baseline are the same model, trained once.</summary>
        private async Task<ITrainedEndModel<TItem>> SeedOnlyModelAsync(IReadOnlyList<LabeledExample<TItem>> seed) =>
            _seedOnlyModel ??= await endModel.TrainAsync(SeedTrainingSet(seed), cancellationToken).ConfigureAwait(false);

        private async Task<sbyte[]> VotesAsync(ITrainedEndModel<TItem> model, IReadOnlyList<TItem> items)
        {
            ClassProbabilities p = await model.PredictProbabilitiesAsync(items, cancellationToken).ConfigureAwait(false);
            return [.. p.Predict(TieBreak.ClassPrior).Select(v => (sbyte)v)];
        }

        private static LabelMatrix AppendColumn(LabelMatrix matrix, sbyte[] column)
        {
            int m = matrix.FunctionCount + 1;
            var votes = new sbyte[(long)matrix.ItemCount * m];
            for (int i = 0; i < matrix.ItemCount; i++)
            {
                matrix.GetRow(i).CopyTo(votes.AsSpan(i * m, m - 1));
                votes[(i * m) + m - 1] = column[i];
            }

            return LabelMatrix.Wrap(matrix.ItemCount, m, matrix.ClassCount, votes, [.. matrix.FunctionNames, SeedModelVoterName]);
        }

        private (LabelModel? Model, ClassProbabilities? Probabilities) Aggregate(LabelMatrix matrix, LabelMatrix? seedMatrix, IReadOnlyList<LabeledExample<TItem>> seed)
        {
            if (matrix.FunctionCount == 0)
            {
                _warnings.Add("No program was kept, so there are no weak labels: the end model learns from the seed labels alone.");
                return (null, null);
            }

            LabelModel model = owner._catalog.Create(_options.LabelModel);
            var fitOptions = new LabelModelFitOptions { Seed = _options.Seed, Metric = _options.SelectionMetric };
            if (seedMatrix is not null)
            {
                fitOptions.DevMatrix = seedMatrix;
                fitOptions.DevLabels = [.. seed.Select(e => e.Label)];
            }

            LabelModelFitReport report = model.Fit(matrix, fitOptions, cancellationToken);
            _warnings.AddRange(report.Warnings);
            return (model, model.PredictProbabilities(matrix));
        }

        private async Task<ITrainedEndModel<TItem>> DistillAsync(IReadOnlyList<TItem> items, LabelMatrix matrix, ClassProbabilities? labelProbabilities, IReadOnlyList<LabeledExample<TItem>> seed)
        {
            EndModelTrainingSet<TItem>? set = labelProbabilities is null ? null : EndModelTrainingSet.FromLabelModel(items, matrix, labelProbabilities);
            if (seed.Count > 0 && (_options.TrainEndModelOnSeedSet || set is null))
            {
                EndModelTrainingSet<TItem> seedSet = SeedTrainingSet(seed, _options.SeedItemWeight);
                set = set is null ? seedSet : set.Concat(seedSet);
            }

            if (set is null || set.TotalWeight <= 0)
            {
                throw new InvalidOperationException("There is nothing to learn from: no program was kept and the job has no seed set. Give labeled seed items, or programs that vote.");
            }

            // The covered items are skewed toward the classes the programs vote for; the seed labels' balance undoes it.
            if (seed.Count > 0 && _options.UseSeedClassBalance)
            {
                set = set.WithClassBalance(SeedClassBalance(seed));
            }

            return await endModel.TrainAsync(set, cancellationToken).ConfigureAwait(false);
        }

        private double[] SeedClassBalance(IReadOnlyList<LabeledExample<TItem>> seed)
        {
            // Add-one smoothing keeps every share strictly positive, even for a class the seed set lacks.
            var counts = new double[_classCount];
            foreach (LabeledExample<TItem> example in seed)
            {
                counts[example.Label]++;
            }

            double total = seed.Count + _classCount;
            return [.. counts.Select(c => (c + 1) / total)];
        }

        private EndModelTrainingSet<TItem> SeedTrainingSet(IReadOnlyList<LabeledExample<TItem>> seed, double weight = 1.0) =>
            EndModelTrainingSet.FromLabels<TItem>([.. seed.Select(e => e.Item)], [.. seed.Select(e => e.Label)], _classCount, weight);

        private async Task<RunScores?> ScoreTestAsync(LabelModel? labelModel, LabelMatrix? testMatrix, ITrainedEndModel<TItem> trained, IReadOnlyList<LabeledExample<TItem>> seed)
        {
            if (job.TestSet is not { Count: > 0 } test)
            {
                return null;
            }

            TItem[] testItems = [.. test.Select(e => e.Item)];
            int[] gold = [.. test.Select(e => e.Label)];
            ClassificationScores? labelScores = labelModel is not null && testMatrix is not null
                ? ClassificationMetrics.Score(gold, labelModel.Predict(testMatrix, TieBreak.Random(_options.Seed)), _classCount)
                : null;
            ClassificationScores endScores = await ScoreAsync(trained, testItems, gold).ConfigureAwait(false);
            ClassificationScores? seedScores = null;
            if (_options.ScoreSeedOnlyBaseline && seed.Count > 0)
            {
                ITrainedEndModel<TItem> seedOnly = await SeedOnlyModelAsync(seed).ConfigureAwait(false);
                seedScores = await ScoreAsync(seedOnly, testItems, gold).ConfigureAwait(false);
            }

            var scores = new RunScores("test", labelScores, endScores, seedScores) { Metric = _options.SelectionMetric };
            if (scores.GainOverSeedOnly < 0)
            {
                _warnings.Add(scores.VerdictSentence()!);
            }

            return scores;
        }

        private async Task<ClassificationScores> ScoreAsync(ITrainedEndModel<TItem> model, TItem[] items, int[] gold)
        {
            ClassProbabilities p = await model.PredictProbabilitiesAsync(items, cancellationToken).ConfigureAwait(false);
            return ClassificationMetrics.Score(gold, p.Predict(TieBreak.Random(_options.Seed)), _classCount);
        }

        private DirectLabelingEstimate? EstimateDirectLabeling(IReadOnlyList<TItem> items)
        {
            if (_options.DirectLabelingModel is not { } model)
            {
                return null;
            }

            Func<TItem, string> describe = job.DescribeItem ?? Describe;
            owner.Ledger.TryGetPrice(model, out ModelPrice? price);
            return owner._estimator.Estimate(job.Task, items, describe, model, price, cancellationToken);
        }

        private static string Describe(TItem item) => item switch
        {
            string text => text,
            null => string.Empty,
            _ => JsonSerializer.Serialize(item, item.GetType()),
        };

        private static List<ProgramOutcome> Records(
            ProgramGateResult<TItem> gated,
            LabelingFunctionAnalysis analysis,
            LabelingFunctionAnalysis? seedAnalysis,
            LabelingResult applied,
            long[] overruns)
        {
            var records = new List<ProgramOutcome>();
            for (int j = 0; j < gated.Kept.Count; j++)
            {
                KeptProgram<TItem> kept = gated.Kept[j];
                LabelingFunctionSummary? onSeed = seedAnalysis?.Functions[j];
                records.Add(new ProgramOutcome
                {
                    Program = kept.Program,
                    Kept = true,
                    GateMetrics = kept.Metrics,
                    Analysis = analysis.Functions[j],
                    DevAccuracy = onSeed?.EmpiricalAccuracy,
                    DevCoverage = onSeed?.Coverage,
                    Faults = applied.Faults[j],
                    BudgetOverruns = overruns[j],
                });
            }

            foreach (DroppedProgram dropped in gated.Dropped)
            {
                records.Add(new ProgramOutcome
                {
                    Program = dropped.Program,
                    Kept = false,
                    DropReason = dropped.Reason,
                    DropMessage = dropped.Message,
                    Problems = dropped.Problems,
                    GateMetrics = dropped.Metrics,
                });
            }

            return [.. records.OrderBy(r => r.Program.Name, StringComparer.Ordinal).ThenBy(r => r.Program.ContentHash, StringComparer.Ordinal)];
        }

        private static long OverrunsSoFar(ILabelingFunction<TItem> function) => function switch
        {
            OverrunCounter<TItem> counter => counter.Overruns,
            WorkerLabelingFunction<TItem> worker => worker.BudgetOverruns,
            _ => 0,
        };

        private StageProgress? ApplyProgress(int total) =>
            progress is null ? null : new StageProgress(progress, total);

        private void Begin(PipelineStage stage, string message)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _stageStarted = Stopwatch.GetTimestamp();
            progress?.Report(new PipelineProgress(stage, message, 0, null));
        }

        private void End(PipelineStage stage) => _timings.Add(new StageTiming(stage, Stopwatch.GetElapsedTime(_stageStarted)));

        private static TItem[] Sample(IReadOnlyList<TItem> items, int size, int seed)
        {
            if (items.Count <= size)
            {
                return [.. items];
            }

            int[] indices = [.. Enumerable.Range(0, items.Count)];
            new Random(seed).Shuffle(indices);
            Array.Sort(indices, 0, size);
            return [.. indices.Take(size).Select(i => items[i])];
        }
    }

    /// <summary>Relays the applier's progress as the pipeline's.</summary>
    private sealed class StageProgress(IProgress<PipelineProgress> inner, long total) : IProgress<LabelingProgress>
    {
        public void Report(LabelingProgress value) =>
            inner.Report(new PipelineProgress(PipelineStage.Apply, "Labeling items", value.ItemsLabeled, value.TotalItems ?? total));
    }

    /// <summary>Counts the step-budget overruns of a kept program while it labels every item; the overrun still faults, so the applier counts an abstain.</summary>
    private sealed class OverrunCounter<TItem>(ILabelingFunction<TItem> inner) : ILabelingFunction<TItem>
    {
        private long _overruns;

        public string Name => inner.Name;

        public long Overruns => Interlocked.Read(ref _overruns);

        public int Apply(TItem item)
        {
            try
            {
                return inner.Apply(item);
            }
            catch (ProgramBudgetExceededException)
            {
                Interlocked.Increment(ref _overruns);
                throw;
            }
        }
    }
}
