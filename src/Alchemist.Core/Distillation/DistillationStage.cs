namespace Alchemist;

/// <summary>
/// The distillation stage of a run: trains the end model on the label model's soft labels (and the seed labels), and
/// the same end model on the seed labels alone, which is both the seed-only baseline and the seed-model voter.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>The seed-only model is trained once per stage and shared by the voter and the baseline.</remarks>
internal sealed class DistillationStage<TItem>
{
    /// <summary>The folds of the seed set behind the seed-model voter's votes on the seed items.</summary>
    public const int SeedVoterFolds = 5;

    private readonly IEndModel<TItem> _endModel;
    private readonly int _classCount;
    private readonly int _seed;
    private ITrainedEndModel<TItem>? _seedOnlyModel;

    /// <summary>Initializes a new instance of the <see cref="DistillationStage{TItem}"/> class.</summary>
    /// <param name="endModel">The end model, for the distilled model and the seed-only model alike.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="seed">The seed of the fold assignment and of tie-breaks.</param>
    public DistillationStage(IEndModel<TItem> endModel, int classCount, int seed)
    {
        _endModel = endModel;
        _classCount = classCount;
        _seed = seed;
    }

    /// <summary>Gets or sets a value indicating whether the seed items join the weakly labeled items in the training set.</summary>
    public bool TrainOnSeedSet { get; init; } = true;

    /// <summary>Gets or sets the training weight of each seed item.</summary>
    public double SeedItemWeight { get; init; } = 1.0;

    /// <summary>Gets or sets a value indicating whether the training set carries the seed labels' class balance (add-one smoothed).</summary>
    public bool UseSeedClassBalance { get; init; }

    /// <summary>Gets or sets the largest number of weakly labeled items trained on (a seeded sample above it), or <see langword="null"/> for all of them.</summary>
    public int? SampleSize { get; init; }

    /// <summary>Gets the seed-only model, if it was trained.</summary>
    public ITrainedEndModel<TItem>? TrainedSeedOnlyModel => _seedOnlyModel;

    /// <summary>Determines whether the seed set is large enough for the seed-model voter: five items per class.</summary>
    public bool CanVote(int seedCount) => seedCount >= SeedVoterFolds * _classCount;

    /// <summary>Returns the end model trained on the seed labels alone, training it on first use.</summary>
    public async Task<ITrainedEndModel<TItem>> SeedOnlyModelAsync(IReadOnlyList<LabeledExample<TItem>> seed, CancellationToken cancellationToken) =>
        _seedOnlyModel ??= await _endModel.TrainAsync(SeedTrainingSet(seed), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The seed-only model's votes, as one more labeling function: on every item and the test items from the model
    /// trained on all seed labels, and on the seed items from k-fold models that did not see them, so the label model
    /// judges it by an honest dev accuracy, as it judges a program.
    /// </summary>
    public async Task<(sbyte[] OnItems, sbyte[] OnSeed, sbyte[]? OnTest)> SeedModelVotesAsync(
        IReadOnlyList<TItem> items, IReadOnlyList<LabeledExample<TItem>> seed, IReadOnlyList<TItem>? testItems, CancellationToken cancellationToken)
    {
        ITrainedEndModel<TItem> seedModel = await SeedOnlyModelAsync(seed, cancellationToken).ConfigureAwait(false);
        sbyte[] onItems = await VotesAsync(seedModel, items, cancellationToken).ConfigureAwait(false);
        var onSeed = new sbyte[seed.Count];
        int[] fold = DevFolds.Shuffled([.. seed.Select(e => e.Label)], _classCount, SeedVoterFolds, _seed);
        for (int f = 0; f < SeedVoterFolds; f++)
        {
            int current = f;
            LabeledExample<TItem>[] inFold = [.. seed.Where((_, i) => fold[i] != current)];
            int[] held = [.. Enumerable.Range(0, seed.Count).Where(i => fold[i] == current)];
            ITrainedEndModel<TItem> foldModel = await _endModel.TrainAsync(SeedTrainingSet(inFold), cancellationToken).ConfigureAwait(false);
            sbyte[] heldVotes = await VotesAsync(foldModel, [.. held.Select(i => seed[i].Item)], cancellationToken).ConfigureAwait(false);
            for (int h = 0; h < held.Length; h++)
            {
                onSeed[held[h]] = heldVotes[h];
            }
        }

        sbyte[]? onTest = testItems is null ? null : await VotesAsync(seedModel, testItems, cancellationToken).ConfigureAwait(false);
        return (onItems, onSeed, onTest);
    }

    /// <summary>Adds the seed model as one more voter: a column of its votes on the items, on the seed items (each voted by a model of the folds it was held out of) and on the test items.</summary>
    /// <param name="columnName">The column's name.</param>
    /// <param name="votes">The votes on the items.</param>
    /// <param name="seedVotes">The votes on the seed items.</param>
    /// <param name="testVotes">The votes on the test items, or <see langword="null"/>.</param>
    /// <param name="items">The items.</param>
    /// <param name="seed">The seed items.</param>
    /// <param name="testItems">The test items, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the training.</param>
    /// <returns>The three matrices with the seed model's column appended.</returns>
    public async Task<(LabelMatrix Votes, LabelMatrix SeedVotes, LabelMatrix? TestVotes)> AddSeedModelVoterAsync(
        string columnName,
        LabelMatrix votes,
        LabelMatrix seedVotes,
        LabelMatrix? testVotes,
        IReadOnlyList<TItem> items,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<TItem>? testItems,
        CancellationToken cancellationToken)
    {
        (sbyte[] onItems, sbyte[] onSeed, sbyte[]? onTest) = await SeedModelVotesAsync(items, seed, testVotes is null ? null : testItems, cancellationToken).ConfigureAwait(false);
        return (votes.AppendColumn(columnName, onItems), seedVotes.AppendColumn(columnName, onSeed), onTest is null ? null : testVotes!.AppendColumn(columnName, onTest));
    }

    /// <summary>Trains the end model on the label model's distributions over the covered items, plus the seed labels.</summary>
    /// <exception cref="InvalidOperationException">There is nothing to learn from: no weak labels and no seed labels.</exception>
    public async Task<ITrainedEndModel<TItem>> TrainAsync(
        IReadOnlyList<TItem> items, LabelMatrix votes, ClassProbabilities? labelProbabilities, IReadOnlyList<LabeledExample<TItem>> seed, CancellationToken cancellationToken) =>
        await TrainOnAsync(WeakTrainingSet(items, votes, labelProbabilities), seed, cancellationToken).ConfigureAwait(false);

    /// <summary>The weakly labeled items the end model is trained on: the label model's distributions over the covered items, sampled when <see cref="SampleSize"/> is set; <see langword="null"/> without a label model.</summary>
    public EndModelTrainingSet<TItem>? WeakTrainingSet(IReadOnlyList<TItem> items, LabelMatrix votes, ClassProbabilities? labelProbabilities)
    {
        EndModelTrainingSet<TItem>? set = labelProbabilities is null ? null : EndModelTrainingSet.FromLabelModel(items, votes, labelProbabilities);
        if (set is not null && SampleSize is int sampleSize)
        {
            // Only the weakly labeled items are sampled; the seed items join afterwards, so they are always in.
            set = set.Sample(sampleSize, _seed);
        }

        return set;
    }

    /// <summary>Trains a fresh end model on some seed labels alone (not the cached <see cref="TrainedSeedOnlyModel"/>), as a cross-validation fold needs.</summary>
    public async Task<ITrainedEndModel<TItem>> TrainSeedOnlyAsync(IReadOnlyList<LabeledExample<TItem>> seed, CancellationToken cancellationToken) =>
        await _endModel.TrainAsync(SeedTrainingSet(seed), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The final choice between the pipeline's end model and the seed-only model (<see cref="EndModelChoiceRule"/>): the
    /// model to ship and the cross-validation behind it, or the pipeline's model and <see langword="null"/> when the rule
    /// is off or there is nothing to choose between.
    /// </summary>
    public async Task<(ITrainedEndModel<TItem> Shipped, EndModelChoice? Choice)> ChooseAsync(
        ITrainedEndModel<TItem> trained, EndModelTrainingSet<TItem>? weak, IReadOnlyList<LabeledExample<TItem>> seed, LabelModelMetric metric, EndModelChoiceRule rule, CancellationToken cancellationToken)
    {
        if (rule == EndModelChoiceRule.Off)
        {
            return (trained, null);
        }

        EndModelChoice? choice = await EndModelCrossValidation.RunAsync(this, weak, seed, _classCount, metric, rule, _seed, cancellationToken).ConfigureAwait(false);
        return choice is { SeedOnlyShipped: true } ? (await SeedOnlyModelAsync(seed, cancellationToken).ConfigureAwait(false), choice) : (trained, choice);
    }

    /// <summary>Trains the end model on weakly labeled items already chosen (and sampled), plus the seed labels, as <see cref="TrainAsync"/> does after its choice.</summary>
    /// <exception cref="InvalidOperationException">There is nothing to learn from: no weak labels and no seed labels.</exception>
    public async Task<ITrainedEndModel<TItem>> TrainOnAsync(EndModelTrainingSet<TItem>? set, IReadOnlyList<LabeledExample<TItem>> seed, CancellationToken cancellationToken)
    {
        if (seed.Count > 0 && (TrainOnSeedSet || set is null))
        {
            EndModelTrainingSet<TItem> seedSet = SeedTrainingSet(seed, SeedItemWeight);
            set = set is null ? seedSet : set.Concat(seedSet);
        }

        if (set is null || set.TotalWeight <= 0)
        {
            throw new InvalidOperationException("There is nothing to learn from: no program was kept and the job has no seed set. Give labeled seed items, or programs that vote.");
        }

        // The covered items are skewed toward the classes the programs vote for; the seed labels' balance undoes it.
        if (seed.Count > 0 && UseSeedClassBalance)
        {
            set = set.WithClassBalance(SeedClassBalance(seed));
        }

        return await _endModel.TrainAsync(set, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scores a trained model on labeled items, ties broken by the run's seed.</summary>
    public async Task<ClassificationScores> ScoreAsync(ITrainedEndModel<TItem> model, IReadOnlyList<LabeledExample<TItem>> labeled, CancellationToken cancellationToken)
    {
        ClassProbabilities p = await model.PredictProbabilitiesAsync([.. labeled.Select(e => e.Item)], cancellationToken).ConfigureAwait(false);
        return ClassificationMetrics.Score([.. labeled.Select(e => e.Label)], p.Predict(TieBreak.Random(_seed)), _classCount);
    }

    private static async Task<sbyte[]> VotesAsync(ITrainedEndModel<TItem> model, IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        ClassProbabilities p = await model.PredictProbabilitiesAsync(items, cancellationToken).ConfigureAwait(false);
        return [.. p.Predict(TieBreak.ClassPrior).Select(v => (sbyte)v)];
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
}
