namespace Alchemist;

/// <summary>Represents the outcome of <see cref="LabelingPipeline.SynthesizeAsync{TItem}"/>: the programs synthesized for a job with the gate's decisions, what synthesis cost, and every call.</summary>
public sealed class SynthesisResult
{
    /// <summary>Gets the task.</summary>
    public required LabelingTask Task { get; init; }

    /// <summary>Gets every candidate program, kept or dropped, in the gate's order (by name, then content hash); kept ones carry the gate's figures only, since no item was labeled.</summary>
    public required IReadOnlyList<ProgramOutcome> Programs { get; init; }

    /// <summary>Gets what synthesis cost: exactly the chat calls this synthesis made.</summary>
    public required CostSummary SynthesisCost { get; init; }

    /// <summary>Gets every synthesis call and what came of it.</summary>
    public IReadOnlyList<SynthesisAttempt> SynthesisAttempts { get; init; } = [];

    /// <summary>Gets the number of programs the sandbox compiled: each distinct program once.</summary>
    public int ProgramsCompiled { get; init; }

    /// <summary>Gets the duration of each stage.</summary>
    public required IReadOnlyList<StageTiming> Timings { get; init; }

    /// <summary>Gets the wall-clock duration.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Gets warnings a user should read, such as a synthesizer that failed.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets the kept programs, in the gate's order.</summary>
    public IReadOnlyList<LabelingProgram> KeptPrograms => [.. Programs.Where(p => p.Kept).Select(p => p.Program)];
}
