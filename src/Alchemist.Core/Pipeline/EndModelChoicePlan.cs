using System.Globalization;

namespace Alchemist;

/// <summary>Decides which final-choice rule a run applies (<see cref="LabelingPipelineOptions.EndModelChoice"/>), and, when none, why.</summary>
internal static class EndModelChoicePlan
{
    /// <summary>Gets the rule a run applies: the experiments' override when set, otherwise the one the mode gives for this job and these synthesizers.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="bringsPrograms">Whether the job brings its own programs (no synthesizer is called).</param>
    /// <param name="synthesizers">The pipeline's synthesizers.</param>
    /// <param name="itemCount">The number of items the job labels (a streamed job's, counted when it opened).</param>
    /// <param name="foldItemBound">The most items a fold run labels: a larger job's fold runs label a sample of its items.</param>
    /// <returns>The rule, and when it is <see cref="EndModelChoiceRule.Off"/>, a sentence saying why the run is not checked.</returns>
    public static (EndModelChoiceRule Rule, string? NotChecked) Resolve(
        LabelingPipelineOptions options, bool bringsPrograms, IReadOnlyList<IProgramSynthesizer> synthesizers, int itemCount, int foldItemBound)
    {
        if (options.EndModelChoiceRuleOverride is { } rule)
        {
            return (rule, rule == EndModelChoiceRule.Off ? "not checked against the seed-only model (the final choice is off)" : null);
        }

        switch (options.EndModelChoice)
        {
            case EndModelChoiceMode.Off:
                return (EndModelChoiceRule.Off, "not checked against the seed-only model (EndModelChoice is Off)");
            case EndModelChoiceMode.Always:
                return (EndModelChoiceRule.NestedSignTest, null);
        }

        if (!bringsPrograms && synthesizers.FirstOrDefault(s => !s.IsLocal) is { } remote)
        {
            return (
                EndModelChoiceRule.Off,
                $"not checked against the seed-only model: the check re-runs synthesis once per fold, and the synthesizer '{remote.Name}' calls a service (up to five more rounds of its calls); set EndModelChoice to Always to check anyway");
        }

        if (itemCount > foldItemBound)
        {
            return (
                EndModelChoiceRule.Off,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"not checked against the seed-only model: the job has {itemCount:N0} items, more than the {foldItemBound:N0} the check's fold runs label, so it would check on a sample at the cost of five runs of that size; set EndModelChoice to Always to check anyway"));
        }

        return (EndModelChoiceRule.NestedSignTest, null);
    }

    /// <summary>Says why a run whose rule was on made no choice: nothing to check without weak labels, or too few seed items to fold.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="weak">The weakly labeled training set the pipeline's end model was trained on.</param>
    /// <param name="seedCount">The number of seed items.</param>
    /// <returns>The sentence.</returns>
    public static string NotCheckedWithout<TItem>(EndModelTrainingSet<TItem>? weak, int seedCount) =>
        weak is null || weak.TotalWeight <= 0
            ? "not checked against the seed-only model: the run has no weak labels (no program or function kept)"
            : seedCount < 2
            ? "not checked against the seed-only model: fewer than two seed items, too few to fold"
            : "not checked against the seed-only model";
}
