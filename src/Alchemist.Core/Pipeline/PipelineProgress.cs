namespace Alchemist;

/// <summary>Represents how far a <see cref="LabelingPipeline"/> run has come.</summary>
/// <param name="Stage">The stage running.</param>
/// <param name="Message">What is happening, in a few words.</param>
/// <param name="Completed">The units of the stage done so far (items, programs).</param>
/// <param name="Total">The units of the stage in all, when known.</param>
public readonly record struct PipelineProgress(PipelineStage Stage, string Message, long Completed, long? Total);
