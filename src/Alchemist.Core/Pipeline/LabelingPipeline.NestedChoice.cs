namespace Alchemist;

/// <content>The final choice of <see cref="EndModelChoiceRule.NestedSignTest"/>: a cross-validation over the seed items that re-runs the whole pipeline per fold.</content>
public sealed partial class LabelingPipeline
{
    /// <summary>Gets the most unlabeled items a fold run of <see cref="EndModelChoiceRule.NestedSignTest"/> labels (<see cref="NestedChoiceSample{TItem}"/>).</summary>
    /// <value>The default is <see cref="NestedChoiceSample{TItem}.DefaultBound"/> (100,000).</value>
    internal int NestedChoiceItemBound { get; init; } = NestedChoiceSample<object>.DefaultBound;

    /// <summary>
    /// Makes the run's final choice under its rule (<see cref="LabelingRunContext{TItem}.ChoiceRule"/>, decided when it
    /// opened): the model to ship, the check behind it, and, when there was none, why. Every path of a run (listed,
    /// streamed, votes kept on a cluster) ends here.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="endModel">The end model the run resolved.</param>
    /// <param name="distillation">The run's distillation stage.</param>
    /// <param name="distilled">The run's own end model.</param>
    /// <param name="weak">The weakly labeled items it was trained on, or <see langword="null"/>.</param>
    /// <param name="foldItems">A streamed job's sample for the nested rule's fold runs (<see cref="NestedChoiceSample{TItem}"/>); <see langword="null"/> for a listed job.</param>
    private async Task<(ITrainedEndModel<TItem> Shipped, EndModelChoice? Choice, string? SkipReason)> ChooseShippedAsync<TItem>(
        LabelingRunContext<TItem> run, IEndModel<TItem> endModel, DistillationStage<TItem> distillation, ITrainedEndModel<TItem> distilled, EndModelTrainingSet<TItem>? weak, IReadOnlyList<TItem>? foldItems)
    {
        (ITrainedEndModel<TItem> shipped, EndModelChoice? choice) = run.ChoiceRule == EndModelChoiceRule.NestedSignTest
            ? await ChooseNestedAsync(run, endModel, distillation, distilled, weak, foldItems).ConfigureAwait(false)
            : await distillation.ChooseAsync(distilled, weak, run.Job.SeedSet, run.Options.SelectionMetric, run.ChoiceRule, run.CancellationToken).ConfigureAwait(false);
        return (shipped, choice, choice is not null ? null : run.ChoiceSkipReason ?? EndModelChoicePlan.NotCheckedWithout(weak, run.Job.SeedSet.Count));
    }

    /// <summary>
    /// Chooses between the run's own end model and the seed-only model by a nested cross-validation: for each fold of the
    /// seed items (<see cref="EndModelCrossValidation.PoolAsync"/>), the same pipeline runs again with the fold's items
    /// removed from the seed set (same synthesizers, functions and end model; the choice off; no test set) over a bounded
    /// sample of the job's items (<paramref name="foldItems"/>), and that run's end model and seed-only model predict the
    /// fold. The fold runs' synthesis calls are recorded in the run's ledger, their progress is reported as the run's
    /// (stage <see cref="PipelineStage.Distill"/>, "final choice, fold 2 of 5: ..."), and their warnings are carried into
    /// the run's, each once per fold with its fold. Nothing is checked without weak labels or with fewer than two seed items.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="endModel">The end model the run resolved.</param>
    /// <param name="distillation">The run's distillation stage.</param>
    /// <param name="trained">The run's own end model.</param>
    /// <param name="weak">The weakly labeled items the run's end model was trained on, or <see langword="null"/>.</param>
    /// <param name="foldItems">The items the fold runs label: a streamed job's gathered sample; <see langword="null"/> for a listed job, whose sample is taken here.</param>
    private async Task<(ITrainedEndModel<TItem> Shipped, EndModelChoice? Choice)> ChooseNestedAsync<TItem>(
        LabelingRunContext<TItem> run, IEndModel<TItem> endModel, DistillationStage<TItem> distillation, ITrainedEndModel<TItem> trained, EndModelTrainingSet<TItem>? weak, IReadOnlyList<TItem>? foldItems)
    {
        IReadOnlyList<LabeledExample<TItem>> seed = run.Job.SeedSet;
        if (EndModelCrossValidation.NothingToCheck(weak, seed.Count))
        {
            return (trained, null);
        }

        IReadOnlyList<TItem> items = foldItems
            ?? (run.Job.Source is null
                ? NestedChoiceSample<TItem>.Of(run.Job.Items, NestedChoiceItemBound, run.Options.Seed)
                : throw new InvalidOperationException("A streamed run's nested final choice needs its sample of items, gathered with the end model's training items."));
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
            async (rest, f, folds, cancellationToken) =>
            {
                string prefix = $"fold {f + 1} of {folds}: ";
                IProgress<PipelineProgress>? progress = run.Progress is { } outer ? new FoldProgress(outer, "final choice, " + prefix) : null;
                using LabelingRun<TItem> fold = await RunCoreAsync(run.Job.ForFold(rest, endModel, items, run.Concepts), endModel, progress, cancellationToken, foldOptions, run.Ledger).ConfigureAwait(false);
                run.Warnings.AddRange(fold.Warnings.Distinct(StringComparer.Ordinal).Select(w => "Final choice, " + prefix + w));
                return (fold.DistilledEndModel!, fold.SeedOnlyModel!);
            },
            run.CancellationToken).ConfigureAwait(false);
        return choice.SeedOnlyShipped ? (await distillation.SeedOnlyModelAsync(seed, run.CancellationToken).ConfigureAwait(false), choice) : (trained, choice);
    }

    /// <summary>Relays a fold run's progress as the run's: stage <see cref="PipelineStage.Distill"/>, the fold run's message after <paramref name="prefix"/>, its counts as they are.</summary>
    private sealed class FoldProgress(IProgress<PipelineProgress> inner, string prefix) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) =>
            inner.Report(new PipelineProgress(PipelineStage.Distill, prefix + value.Message, value.Completed, value.Total));
    }
}
