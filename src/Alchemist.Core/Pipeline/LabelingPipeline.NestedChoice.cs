namespace Alchemist;

/// <content>The final choice of <see cref="EndModelChoiceRule.NestedSignTest"/>: a cross-validation over the seed items that re-runs the whole pipeline per fold.</content>
public sealed partial class LabelingPipeline
{
    /// <summary>
    /// Chooses between the run's own end model and the seed-only model by a nested cross-validation: for each fold of the
    /// seed items (<see cref="EndModelCrossValidation.PoolAsync"/>), the same pipeline runs the job again with the fold's
    /// items removed from the seed set (same items, synthesizers, functions and end model; the choice off; no test set),
    /// and that run's end model and seed-only model predict the fold. The fold runs' synthesis calls are recorded in the
    /// run's ledger. Nothing is checked without weak labels or with fewer than two seed items.
    /// </summary>
    private async Task<(ITrainedEndModel<TItem> Shipped, EndModelChoice? Choice)> ChooseNestedAsync<TItem>(
        LabelingRunContext<TItem> run, IEndModel<TItem> endModel, DistillationStage<TItem> distillation, ITrainedEndModel<TItem> trained, EndModelTrainingSet<TItem>? weak)
    {
        IReadOnlyList<LabeledExample<TItem>> seed = run.Job.SeedSet;
        if (weak is null || weak.TotalWeight <= 0 || seed.Count < 2)
        {
            return (trained, null);
        }

        LabelingPipelineOptions foldOptions = run.Options.Snapshot();
        foldOptions.EndModelChoice = EndModelChoiceMode.Off;
        foldOptions.EndModelChoiceRuleOverride = null;
        foldOptions.ScoreSeedOnlyBaseline = true;
        foldOptions.DirectLabelingModel = null;
        EndModelChoice choice = await EndModelCrossValidation.PoolAsync(
            seed,
            run.Job.Task.ClassCount,
            run.Options.SelectionMetric,
            EndModelChoiceRule.NestedSignTest,
            run.Options.Seed,
            async (rest, cancellationToken) =>
            {
                using LabelingRun<TItem> fold = await RunCoreAsync(run.Job.ForFold(rest, endModel, run.Concepts), endModel, progress: null, cancellationToken, foldOptions, run.Ledger).ConfigureAwait(false);
                return (fold.DistilledEndModel!, fold.SeedOnlyModel!);
            },
            run.CancellationToken).ConfigureAwait(false);
        return choice.SeedOnlyShipped ? (await distillation.SeedOnlyModelAsync(seed, run.CancellationToken).ConfigureAwait(false), choice) : (trained, choice);
    }
}
