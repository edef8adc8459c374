namespace Alchemist;

/// <summary>Represents what became of one candidate program in a run: kept with its figures, or dropped with the reason.</summary>
public sealed record ProgramOutcome
{
    /// <summary>Gets the program.</summary>
    public required LabelingProgram Program { get; init; }

    /// <summary>Gets a value indicating whether the gate kept the program.</summary>
    public required bool Kept { get; init; }

    /// <summary>Gets why the gate dropped the program, or <see langword="null"/> when it was kept.</summary>
    public GateDropReason? DropReason { get; init; }

    /// <summary>Gets the gate's message for a dropped program, or <see langword="null"/>.</summary>
    public string? DropMessage { get; init; }

    /// <summary>Gets the exact problems behind a drop (compiler errors, sandbox rules, faults).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Gets the gate's figures on its sample and dev set, when it got that far.</summary>
    public ProgramGateMetrics? GateMetrics { get; init; }

    /// <summary>Gets the analysis of a kept program's votes on all items, or <see langword="null"/> when dropped.</summary>
    public LabelingFunctionSummary? Analysis { get; init; }

    /// <summary>Gets a kept program's accuracy on the dev split, when there is one and it voted there.</summary>
    public double? DevAccuracy { get; init; }

    /// <summary>Gets a kept program's coverage of the dev split, when there is one.</summary>
    public double? DevCoverage { get; init; }

    /// <summary>Gets a kept program's faults while labeling all items, or <see langword="null"/> when dropped.</summary>
    public LabelingFunctionFaults? Faults { get; init; }

    /// <summary>Gets a kept program's step-budget overruns while labeling all items.</summary>
    public long BudgetOverruns { get; init; }
}
