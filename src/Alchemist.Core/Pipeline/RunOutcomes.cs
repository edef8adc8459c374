namespace Alchemist;

/// <summary>Turns the gate's decisions and the labeling stage's figures into the outcomes a run reports.</summary>
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
}
