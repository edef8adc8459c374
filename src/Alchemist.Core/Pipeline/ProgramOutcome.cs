namespace Alchemist;

/// <summary>Represents what became of one candidate program in a run: kept with its figures, or dropped with the reason.</summary>
public sealed record ProgramOutcome : LabelingFunctionOutcome
{
    /// <summary>Gets the program.</summary>
    public required LabelingProgram Program { get; init; }

    /// <inheritdoc />
    public override string Name => Program.Name;

    /// <summary>Gets the exact problems behind a drop (compiler errors, sandbox rules, faults).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Gets a kept program's step-budget overruns while labeling all items.</summary>
    public long BudgetOverruns { get; init; }
}
