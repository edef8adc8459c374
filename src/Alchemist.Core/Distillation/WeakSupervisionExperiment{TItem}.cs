using System.Diagnostics;

namespace Alchemist;

/// <summary>
/// Runs the weak-supervision flow on a labeled seed set and unlabeled items, beside the seed-only baseline, and scores
/// both on held-out items: synthesize programs from the seed set, compile them, apply them to the unlabeled items,
/// aggregate the votes with a label model, distill the end model on the soft labels (plus the seed labels), and train
/// the same end model on the seed labels alone.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// The harness behind the figures in docs/distillation.md, and a building block for the pipeline. The held-out items
/// are only scored, never used to fit or choose anything. <see cref="CrossValidateAsync"/> runs the same flow with
/// folds of the seed set as held-out items, to make design choices without touching a test split.
/// </remarks>
internal sealed class WeakSupervisionExperiment<TItem>
{
    /// <summary>Gets the task.</summary>
    public required LabelingTask Task { get; init; }

    /// <summary>Gets the labeled seed items (the dev split, or items a user labeled).</summary>
    public required IReadOnlyList<TItem> SeedItems { get; init; }

    /// <summary>Gets the labels of the seed items.</summary>
    public required IReadOnlyList<int> SeedLabels { get; init; }

    /// <summary>Gets the unlabeled items the programs label and the end model is distilled on.</summary>
    public required IReadOnlyList<TItem> UnlabeledItems { get; init; }

    /// <summary>Gets the gold labels of the unlabeled items, used only to report the accuracy of the weak labels; <see langword="null"/> when unknown.</summary>
    public IReadOnlyList<int>? UnlabeledGold { get; init; }

    /// <summary>Gets the synthesizer.</summary>
    public required IProgramSynthesizer Synthesizer { get; init; }

    /// <summary>Gets the number of programs asked for.</summary>
    public int ProgramCount { get; init; } = 10;

    /// <summary>Gets the step that turns programs into labeling functions: the sandbox's compiler in the pipeline.</summary>
    public required Func<IReadOnlyList<LabelingProgram>, IReadOnlyList<ILabelingFunction<TItem>>> Compile { get; init; }

    /// <summary>Gets the factory of the label model that aggregates the votes.</summary>
    public Func<LabelModel> LabelModelFactory { get; init; } = static () => new MajorityVoteLabelModel();

    /// <summary>Gets the end model, used for the distilled model and the seed-only baseline alike.</summary>
    public required IEndModel<TItem> EndModel { get; init; }

    /// <summary>Gets a value indicating whether the seed items, with their gold labels, join the weakly labeled items in the end model's training set.</summary>
    public bool IncludeSeedInTraining { get; init; } = true;

    /// <summary>Gets the weight of each seed item in the distilled model's training set.</summary>
    public double SeedWeight { get; init; } = 1.0;

    /// <summary>Gets a value indicating whether the distilled model's training set carries the class balance of the seed labels (smoothed), so that the skew of the covered items is undone.</summary>
    public bool UseSeedClassBalance { get; init; } = true;

    /// <summary>Gets the weight of the unlabeled items no program covers, labeled by the seed-only model's distributions (times their confidence), in the distilled model's training set; 0 leaves them out.</summary>
    public double UncoveredTeacherWeight { get; init; }

    /// <summary>Gets how the weakly labeled items are weighted.</summary>
    public SoftLabelWeighting Weighting { get; init; } = SoftLabelWeighting.Confidence;

    /// <summary>Runs the flow and scores it and the seed-only baseline on held-out items.</summary>
    /// <param name="heldOutItems">The items to score on (a test split).</param>
    /// <param name="heldOutLabels">Their gold labels.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The figures.</returns>
    public async Task<WeakSupervisionOutcome> RunAsync(IReadOnlyList<TItem> heldOutItems, IReadOnlyList<int> heldOutLabels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(heldOutItems);
        ArgumentNullException.ThrowIfNull(heldOutLabels);
        long started = Stopwatch.GetTimestamp();
        int k = Task.ClassCount;
        var request = new SynthesisRequest<TItem>(Task)
        {
            ProgramCount = ProgramCount,
            Examples = [.. SeedItems.Zip(SeedLabels, (item, label) => new LabeledExample<TItem>(item, label))],
            UnlabeledSample = UnlabeledItems,
        };
        var programs = new List<LabelingProgram>();
        await foreach (LabelingProgram program in Synthesizer.SynthesizeAsync(request, cancellationToken).ConfigureAwait(false))
        {
            programs.Add(program);
        }

        IReadOnlyList<ILabelingFunction<TItem>> functions = Compile(programs);
        EndModelTrainingSet<TItem> seedSet = EndModelTrainingSet.FromLabels(SeedItems, SeedLabels, k);
        ITrainedEndModel<TItem> seedOnly = await EndModel.TrainAsync(seedSet, cancellationToken).ConfigureAwait(false);
        int[] seedOnlyPredictions = await seedOnly.PredictAsync(heldOutItems, cancellationToken: cancellationToken).ConfigureAwait(false);
        ClassificationScores seedOnlyScores = ClassificationMetrics.Score(heldOutLabels, seedOnlyPredictions, k);

        double coverage = 0;
        double? weakAccuracy = null;
        LabelingFunctionAnalysis? analysis = null;
        ClassificationScores? labelModelScores = null;
        ClassificationScores pipelineScores = seedOnlyScores;
        int trainingItems = seedSet.Count;
        if (functions.Count > 0)
        {
            var applier = new LabelingFunctionApplier();
            LabelMatrix votes = applier.Apply(UnlabeledItems, functions, k, cancellationToken: cancellationToken).Matrix;
            LabelMatrix seedVotes = applier.Apply(SeedItems, functions, k, cancellationToken: cancellationToken).Matrix;
            LabelModel labelModel = LabelModelFactory();
            labelModel.Fit(votes, new LabelModelFitOptions { DevMatrix = seedVotes, DevLabels = SeedLabels }, cancellationToken);
            ClassProbabilities soft = labelModel.PredictProbabilities(votes);
            EndModelTrainingSet<TItem> weak = EndModelTrainingSet.FromLabelModel(UnlabeledItems, votes, soft, Weighting);
            if (UncoveredTeacherWeight > 0)
            {
                int[] uncovered = [.. Enumerable.Range(0, votes.ItemCount).Where(i => votes.GetRow(i).IndexOfAnyExcept((sbyte)-1) < 0)];
                TItem[] uncoveredItems = [.. uncovered.Select(i => UnlabeledItems[i])];
                ClassProbabilities taught = await seedOnly.PredictProbabilitiesAsync(uncoveredItems, cancellationToken).ConfigureAwait(false);
                double[] teacherWeights = [.. Enumerable.Range(0, uncoveredItems.Length).Select(i => UncoveredTeacherWeight * EndModelTrainingSet.Confidence(taught.GetRow(i)))];
                weak = weak.Concat(EndModelTrainingSet.FromSoftLabels(uncoveredItems, taught, teacherWeights));
            }
            coverage = (double)CountCovered(votes) / Math.Max(1, votes.ItemCount);
            if (UnlabeledGold is not null)
            {
                weakAccuracy = WeakLabelAccuracy(votes, soft, UnlabeledGold);
                analysis = LabelingFunctionAnalysis.Analyze(votes, UnlabeledGold);
            }

            LabelMatrix heldOutVotes = applier.Apply(heldOutItems, functions, k, cancellationToken: cancellationToken).Matrix;
            labelModelScores = ClassificationMetrics.Score(heldOutLabels, labelModel.Predict(heldOutVotes), k);

            EndModelTrainingSet<TItem> training = IncludeSeedInTraining ? weak.Concat(EndModelTrainingSet.FromLabels(SeedItems, SeedLabels, k, SeedWeight)) : weak;
            if (UseSeedClassBalance)
            {
                training = training.WithClassBalance(SeedClassBalance(k));
            }
            if (training.Count > 0)
            {
                ITrainedEndModel<TItem> distilled = await EndModel.TrainAsync(training, cancellationToken).ConfigureAwait(false);
                int[] predictions = await distilled.PredictAsync(heldOutItems, cancellationToken: cancellationToken).ConfigureAwait(false);
                pipelineScores = ClassificationMetrics.Score(heldOutLabels, predictions, k);
                trainingItems = training.Count;
            }
        }

        return new WeakSupervisionOutcome
        {
            Programs = programs,
            Coverage = coverage,
            WeakLabelAccuracy = weakAccuracy,
            UnlabeledAnalysis = analysis,
            TrainingItems = trainingItems,
            SeedOnly = seedOnlyScores,
            LabelModel = labelModelScores,
            Distilled = pipelineScores,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    /// <summary>Runs the flow once per fold of the seed set, each fold held out in turn and the others used as seeds, and pools the held-out predictions.</summary>
    /// <param name="folds">The number of folds, at least 2.</param>
    /// <param name="seed">The seed of the stratified fold assignment.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One outcome per fold.</returns>
    public async Task<IReadOnlyList<WeakSupervisionOutcome>> CrossValidateAsync(int folds, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        int[] fold = DevFolds.Shuffled(SeedLabels, Task.ClassCount, folds, seed);
        var outcomes = new List<WeakSupervisionOutcome>();
        for (int f = 0; f < folds; f++)
        {
            int current = f;
            int[] train = [.. Enumerable.Range(0, SeedItems.Count).Where(i => fold[i] != current)];
            int[] held = [.. Enumerable.Range(0, SeedItems.Count).Where(i => fold[i] == current)];
            var inner = new WeakSupervisionExperiment<TItem>
            {
                Task = Task,
                SeedItems = [.. train.Select(i => SeedItems[i])],
                SeedLabels = [.. train.Select(i => SeedLabels[i])],
                UnlabeledItems = UnlabeledItems,
                UnlabeledGold = UnlabeledGold,
                Synthesizer = Synthesizer,
                ProgramCount = ProgramCount,
                Compile = Compile,
                LabelModelFactory = LabelModelFactory,
                EndModel = EndModel,
                IncludeSeedInTraining = IncludeSeedInTraining,
                SeedWeight = SeedWeight,
                Weighting = Weighting,
                UseSeedClassBalance = UseSeedClassBalance,
                UncoveredTeacherWeight = UncoveredTeacherWeight,
            };
            outcomes.Add(await inner.RunAsync([.. held.Select(i => SeedItems[i])], [.. held.Select(i => SeedLabels[i])], cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    private double[] SeedClassBalance(int classCount)
    {
        // Add-one smoothing keeps every share strictly positive, even for a class missing from a small seed set.
        double[] balance = new double[classCount];
        foreach (int label in SeedLabels)
        {
            balance[label]++;
        }

        double total = SeedLabels.Count + classCount;
        return [.. balance.Select(c => (c + 1) / total)];
    }

    private static int CountCovered(LabelMatrix votes)
    {
        int covered = 0;
        for (int i = 0; i < votes.ItemCount; i++)
        {
            foreach (sbyte vote in votes.GetRow(i))
            {
                if (vote >= 0)
                {
                    covered++;
                    break;
                }
            }
        }

        return covered;
    }

    private static double WeakLabelAccuracy(LabelMatrix votes, ClassProbabilities soft, IReadOnlyList<int> gold)
    {
        int[] predicted = soft.Predict(TieBreak.Abstain);
        int covered = 0, correct = 0;
        for (int i = 0; i < votes.ItemCount; i++)
        {
            if (predicted[i] >= 0 && votes.GetRow(i).IndexOfAnyExcept((sbyte)-1) >= 0)
            {
                covered++;
                correct += predicted[i] == gold[i] ? 1 : 0;
            }
        }

        return covered == 0 ? 0 : (double)correct / covered;
    }
}
