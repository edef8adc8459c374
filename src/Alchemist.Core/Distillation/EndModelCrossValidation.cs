namespace Alchemist;

/// <summary>
/// Cross-validates the pipeline's end model against the seed-only model over the seed items (an experiment, issue #14):
/// for each fold, both end models are trained without the fold's seed items (the weakly labeled items stay) and predict
/// the fold; the out-of-fold predictions of all seed items are scored once, pooled, under the task's metric.
/// </summary>
/// <remarks>
/// The weak labels were made by programs mined, and a label model fitted, on every seed item, held-out folds included,
/// so the pipeline's out-of-fold score is optimistic: the check errs towards shipping the pipeline's model.
/// </remarks>
internal static class EndModelCrossValidation
{
    /// <summary>The number of folds (fewer when there are fewer seed items).</summary>
    public const int FoldCount = 5;

    /// <summary>Gets a value indicating whether a run has nothing to check: no weak labels (then its end model is trained on the seed labels alone), or fewer than two seed items to fold.</summary>
    /// <param name="weak">The weakly labeled items the run's end model was trained on, or <see langword="null"/>.</param>
    /// <param name="seedCount">The number of seed items.</param>
    public static bool NothingToCheck<TItem>(EndModelTrainingSet<TItem>? weak, int seedCount) =>
        weak is null || weak.TotalWeight <= 0 || seedCount < 2;

    /// <summary>Cross-validates both models; <see langword="null"/> when there is nothing to choose between (no weak labels) or fewer than two seed items.</summary>
    /// <param name="distillation">The run's distillation stage, which trains both models as the run does.</param>
    /// <param name="weak">The weakly labeled items the pipeline's end model was trained on (sampled as it was), or <see langword="null"/>.</param>
    /// <param name="seed">The seed items.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="metric">The task's metric; F1 (of class 1) applies to binary tasks only, accuracy otherwise.</param>
    /// <param name="rule">The rule the run applies to the figures.</param>
    /// <param name="seedValue">The run's seed: folds and tie-breaks.</param>
    /// <param name="cancellationToken">Cancels the trainings.</param>
    public static async Task<EndModelChoice?> RunAsync<TItem>(
        DistillationStage<TItem> distillation,
        EndModelTrainingSet<TItem>? weak,
        IReadOnlyList<LabeledExample<TItem>> seed,
        int classCount,
        LabelModelMetric metric,
        EndModelChoiceRule rule,
        int seedValue,
        CancellationToken cancellationToken)
    {
        if (NothingToCheck(weak, seed.Count))
        {
            return null;
        }

        return await PoolAsync(
            seed,
            classCount,
            metric,
            rule,
            seedValue,
            async (rest, _, _, ct) => (
                await distillation.TrainOnAsync(weak, rest, ct).ConfigureAwait(false),
                await distillation.TrainSeedOnlyAsync(rest, ct).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the folds (stratified by <see cref="DevFolds.Shuffled"/> with <paramref name="seedValue"/>, at most
    /// <see cref="FoldCount"/>): for each fold, <paramref name="foldModels"/> trains the pipeline's and the seed-only
    /// model on the other folds' seed items, both predict the fold (ties broken by <paramref name="seedValue"/>), and the
    /// out-of-fold predictions of all seed items are scored once, pooled.
    /// </summary>
    /// <param name="seed">The seed items; at least two.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="metric">The task's metric; F1 (of class 1) applies to binary tasks only, accuracy otherwise.</param>
    /// <param name="rule">The rule the run applies to the figures.</param>
    /// <param name="seedValue">The run's seed: folds and tie-breaks.</param>
    /// <param name="foldModels">Trains both models on the seed items it is given (the other folds' items); it is also given the fold's number (from 0) and the number of folds.</param>
    /// <param name="cancellationToken">Cancels the trainings.</param>
    public static async Task<EndModelChoice> PoolAsync<TItem>(
        IReadOnlyList<LabeledExample<TItem>> seed,
        int classCount,
        LabelModelMetric metric,
        EndModelChoiceRule rule,
        int seedValue,
        Func<LabeledExample<TItem>[], int, int, CancellationToken, Task<(ITrainedEndModel<TItem> Pipeline, ITrainedEndModel<TItem> SeedOnly)>> foldModels,
        CancellationToken cancellationToken)
    {
        int[] gold = [.. seed.Select(e => e.Label)];
        int folds = Math.Min(FoldCount, seed.Count);
        int[] fold = DevFolds.Shuffled(gold, classCount, folds, seedValue, offsetByClass: true);
        var pipeline = new int[seed.Count];
        var seedOnly = new int[seed.Count];
        int used = 0;
        for (int f = 0; f < folds; f++)
        {
            int current = f;
            int[] held = [.. Enumerable.Range(0, seed.Count).Where(i => fold[i] == current)];
            if (held.Length == 0)
            {
                continue;
            }

            used++;
            LabeledExample<TItem>[] rest = [.. seed.Where((_, i) => fold[i] != current)];
            TItem[] heldItems = [.. held.Select(i => seed[i].Item)];
            (ITrainedEndModel<TItem> withWeak, ITrainedEndModel<TItem> alone) = await foldModels(rest, current, folds, cancellationToken).ConfigureAwait(false);
            int[] byPipeline = (await withWeak.PredictProbabilitiesAsync(heldItems, cancellationToken).ConfigureAwait(false)).Predict(TieBreak.Random(seedValue));
            int[] bySeedOnly = (await alone.PredictProbabilitiesAsync(heldItems, cancellationToken).ConfigureAwait(false)).Predict(TieBreak.Random(seedValue));
            for (int h = 0; h < held.Length; h++)
            {
                pipeline[held[h]] = byPipeline[h];
                seedOnly[held[h]] = bySeedOnly[h];
            }
        }

        bool f1 = metric == LabelModelMetric.F1 && classCount == 2;
        double Score(int[] predicted)
        {
            ClassificationScores scores = ClassificationMetrics.Score(gold, predicted, classCount);
            return f1 ? scores.F1 ?? 0 : scores.Accuracy;
        }

        int seedOnlyAlone = Enumerable.Range(0, seed.Count).Count(i => seedOnly[i] == gold[i] && pipeline[i] != gold[i]);
        int pipelineAlone = Enumerable.Range(0, seed.Count).Count(i => pipeline[i] == gold[i] && seedOnly[i] != gold[i]);
        return new EndModelChoice(used, seed.Count, f1 ? "F1 of class 1" : "accuracy", Score(pipeline), Score(seedOnly), seedOnlyAlone, pipelineAlone) { Rule = rule };
    }
}
