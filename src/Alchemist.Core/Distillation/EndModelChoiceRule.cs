namespace Alchemist;

/// <summary>How a run chooses, at its end, between the pipeline's end model and the seed-only model (an experiment, issue #14).</summary>
/// <remarks>
/// Both rules read the cross-validation of <see cref="EndModelCrossValidation"/> over the seed items only; a tie always
/// ships the pipeline's end model. The figures and the decision: docs/experiments/label-budget-curve.md.
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
}
