using System.Globalization;

namespace Alchemist;

/// <summary>Turns the gate's decisions, the synthesis attempts and the labeling stage's figures into the outcomes and messages a run reports.</summary>
internal static class RunOutcomes
{
    /// <summary>The outcomes of the gate's decisions, with the figures of the kept ones' columns when the items were labeled; programs by name, then hash.</summary>
    public static List<LabelingFunctionOutcome> Of<TItem>(
        IReadOnlyList<GateDecision<TItem>> decisions, GateDecision<TItem>[]? kept, LabelingStageResult? labeling, LabelModel? labelModel)
    {
        var outcomes = new List<LabelingFunctionOutcome>(decisions.Count);
        foreach (GateDecision<TItem> decision in decisions)
        {
            int j = kept is null ? -1 : Array.IndexOf(kept, decision);
            LabelingFunctionSummary? onSeed = j >= 0 ? labeling!.SeedAnalysis?.Functions[j] : null;
            LabelingFunctionOutcome outcome = decision.Program is { } program
                ? new ProgramOutcome
                {
                    Program = program,
                    Kept = decision.Kept,
                    Problems = decision.Problems,
                    BudgetOverruns = j >= 0 && j < labeling!.Overruns.Count ? labeling.Overruns[j] : 0,
                }
                : new FunctionOutcome(decision.Name) { Kept = decision.Kept };
            outcomes.Add(outcome with
            {
                DropReason = decision.Reason,
                DropMessage = decision.Message,
                GateMetrics = decision.Metrics,
                Analysis = j >= 0 ? labeling!.Analysis.Functions[j] : null,
                DevAccuracy = onSeed?.EmpiricalAccuracy,
                DevCoverage = onSeed?.Coverage,
                Faults = j >= 0 ? labeling!.Applied.Faults[j] : null,
                LabelModelAccuracy = j >= 0 && labelModel?.FitReport.FunctionAccuracies is { } accuracies ? accuracies[j] : null,
            });
        }

        return outcomes;
    }

    /// <summary>
    /// Gets the one-line warning of a run in which some synthesis calls gave no program (the call failed, the reply held
    /// no code block, or the program failed validation), with the count of each; <see langword="null"/> when none did.
    /// </summary>
    /// <param name="attempts">The run's synthesis attempts.</param>
    internal static string? FailedAttemptsWarning(IReadOnlyList<SynthesisAttempt> attempts)
    {
        SynthesisAttempt[] failed = [.. attempts.Where(RunReport.GaveNoProgram)];
        if (failed.Length == 0)
        {
            return null;
        }

        string kinds = string.Join(", ", failed.GroupBy(a => a.Outcome).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{RunReport.OutcomeText(g.Key)}: {g.Count()}")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{failed.Length} of {attempts.Count} synthesis calls gave no program ({kinds}); the report lists each under 'Synthesis attempts that gave no program' with its reason.");
    }

    /// <summary>
    /// Gets the message of a run with no seed label and no kept program: the reason, then one line ("- ...") per program
    /// the gate dropped and per synthesis call that gave no program, with why.
    /// </summary>
    internal static string NothingToLearnFrom<TItem>(IReadOnlyList<GateDecision<TItem>> programs, IReadOnlyList<SynthesisAttempt> attempts)
    {
        var text = new System.Text.StringBuilder("There is nothing to learn from: no program was kept and the job has no seed set. Give labeled seed items, or programs that vote.");
        foreach (GateDecision<TItem> dropped in programs)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- The gate dropped '{dropped.Name}' ({dropped.Reason}): {dropped.Message}");
        }

        foreach (SynthesisAttempt attempt in attempts.Where(RunReport.GaveNoProgram))
        {
            string program = attempt.ProgramName is { } name ? $"'{name}'" : "a shared prompt";
            string problem = attempt.Problems.Count > 0 ? " " + attempt.Problems[0] : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"\n- The synthesis call for {program} gave no program ({RunReport.OutcomeText(attempt.Outcome)}): {attempt.Message}{problem}");
        }

        return text.ToString();
    }
}
