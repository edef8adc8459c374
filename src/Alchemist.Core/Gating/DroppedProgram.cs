namespace Alchemist;

/// <summary>Represents a program the <see cref="ProgramGate"/> dropped, with the machine-readable reason and a sentence for people.</summary>
/// <param name="Program">The program.</param>
/// <param name="Reason">Why it was dropped.</param>
/// <param name="Message">A full sentence that explains the drop with the figures behind it.</param>
public sealed record DroppedProgram(LabelingProgram Program, GateDropReason Reason, string Message)
{
    /// <summary>Gets the exact messages behind the drop, such as compiler or sandbox diagnostics with their lines; empty when the message says it all.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Gets what was measured, or <see langword="null"/> when the program never ran (it did not compile or was rejected).</summary>
    public ProgramGateMetrics? Metrics { get; init; }

    /// <summary>Gets the name of the kept program this one duplicates, for <see cref="GateDropReason.Duplicate"/>; otherwise <see langword="null"/>.</summary>
    public string? DuplicateOf { get; init; }
}
