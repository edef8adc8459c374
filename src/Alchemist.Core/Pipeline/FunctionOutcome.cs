namespace Alchemist;

/// <summary>Represents what became of one of the job's hand-written labeling functions (<see cref="LabelingJob{TItem}.Functions"/>) in a run.</summary>
/// <remarks>
/// Hand-written functions are kept whatever their figures unless <see cref="LabelingPipelineOptions.GateHandWrittenFunctions"/>
/// is set; their figures are measured and reported either way.
/// </remarks>
public sealed record FunctionOutcome : LabelingFunctionOutcome
{
    /// <summary>Initializes a new instance of the <see cref="FunctionOutcome"/> class.</summary>
    /// <param name="name">The function's name.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    public FunctionOutcome(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public override string Name { get; }
}
