namespace Alchemist;

/// <summary>How a run chooses, at its end, between the pipeline's end model and the seed-only model (an experiment, issue #14).</summary>
/// <remarks>
/// <see cref="HigherScore"/> and <see cref="SignTest"/> read the cross-validation of <see cref="EndModelCrossValidation"/>
/// over the seed items only, whose weak labels saw every seed item (a leak); <see cref="NestedSignTest"/> re-runs the
/// whole pipeline per fold without the fold's seed items. A tie always ships the pipeline's end model. The figures and the decision: docs/experiments/label-budget-curve.md.
/// </remarks>
internal enum EndModelChoiceRule
{
    /// <summary>No choice is made: the pipeline's end model ships (the default).</summary>
    Off,

    /// <summary>The seed-only model ships when its pooled out-of-fold score on the seed items is strictly higher than the pipeline's.</summary>
    HigherScore,

    /// <summary>
    /// As <see cref="HigherScore"/>, and over the seed items exactly one model gets right, the seed-only model is the
    /// right one often enough for a one-sided exact sign test at 5% (for example 5 to 0, 6 to 1, 8 to 2).
    /// </summary>
    SignTest,

    /// <summary>
    /// The rule of <see cref="SignTest"/> applied to a cross-validation without the leak: per fold, the whole pipeline
    /// (synthesis, gate, label model, end model) re-runs on the other folds' seed items and the same unlabeled items, and
    /// its end model and its seed-only model predict the fold (<see cref="LabelingPipeline"/>, one more run per fold).
    /// </summary>
    NestedSignTest,
}
