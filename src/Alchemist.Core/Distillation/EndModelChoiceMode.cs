namespace Alchemist;

/// <summary>
/// Specifies whether a run checks, at its end, that the pipeline's end model (trained on the weak labels and the seed
/// labels) beats the same end model trained on the seed labels alone, and ships the seed-only model when it clearly
/// does not (<see cref="LabelingPipelineOptions.EndModelChoice"/>).
/// </summary>
/// <remarks>
/// The check is a cross-validation over the seed items that re-runs the whole pipeline once per fold (up to five
/// folds) without the fold's seed items, on the same unlabeled items, and lets each fold run's end model and seed-only
/// model predict the fold's items. The seed-only model ships only when its pooled score is strictly higher and, over
/// the items exactly one of the two models gets right, a one-sided exact sign test favours it at 5%; otherwise (ties
/// included) the pipeline's end model ships. <see cref="LabelingRun.EndModelChoice"/> holds the figures, and the reports
/// say which model shipped and why. How the rule was chosen, on the train splits' gold labels of three WRENCH datasets:
/// docs/experiments/label-budget-curve.md.
/// </remarks>
public enum EndModelChoiceMode
{
    /// <summary>
    /// The check runs when asking the synthesizers again costs only processor time: every synthesizer works locally
    /// (<see cref="IProgramSynthesizer.IsLocal"/>, as the offline synthesizer does), or the job brings its own programs
    /// (<see cref="LabelingJob{TItem}.Programs"/>). With a synthesizer that calls a service, such as the chat
    /// synthesizer, the pipeline's end model ships unchecked and the run says why.
    /// </summary>
    Auto,

    /// <summary>No check: the pipeline's end model ships.</summary>
    Off,

    /// <summary>The check always runs, even when each fold run calls a service's synthesizer again (with the chat synthesizer, up to five more rounds of paid calls, all counted in <see cref="LabelingRun.SynthesisCost"/>).</summary>
    Always,
}
