namespace Alchemist;

/// <summary>Represents the wall-clock time of one stage of a run.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Elapsed">Its duration.</param>
public sealed record StageTiming(PipelineStage Stage, TimeSpan Elapsed);
