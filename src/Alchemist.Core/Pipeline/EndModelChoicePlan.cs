namespace Alchemist;

/// <summary>Decides which final-choice rule a run applies (<see cref="LabelingPipelineOptions.EndModelChoice"/>), and, when none, why.</summary>
internal static class EndModelChoicePlan
{
    /// <summary>Gets the rule a run applies: the experiments' override when set, otherwise the one the mode gives for this job and these synthesizers.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="bringsPrograms">Whether the job brings its own programs (no synthesizer is called).</param>
    /// <param name="synthesizers">The pipeline's synthesizers.</param>
    /// <param name="streamed">Whether the job reads its items from a source.</param>
    /// <returns>The rule, and when it is <see cref="EndModelChoiceRule.Off"/>, a sentence saying why the run is not checked.</returns>
    public static (EndModelChoiceRule Rule, string? NotChecked) Resolve(
        LabelingPipelineOptions options, bool bringsPrograms, IReadOnlyList<IProgramSynthesizer> synthesizers, bool streamed)
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

        if (streamed)
        {
            return (EndModelChoiceRule.Off, "not checked against the seed-only model: the job is streamed, and the check re-runs the pipeline over every item per fold (EndModelChoice Auto checks jobs given as a list of items)");
        }

        if (!bringsPrograms && synthesizers.FirstOrDefault(s => !s.IsLocal) is { } remote)
        {
            return (
                EndModelChoiceRule.Off,
                $"not checked against the seed-only model: the check re-runs synthesis once per fold, and the synthesizer '{remote.Name}' calls a service (up to five more rounds of its calls); set EndModelChoice to Always to check anyway");
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
