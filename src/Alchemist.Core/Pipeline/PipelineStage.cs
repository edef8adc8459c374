namespace Alchemist;

/// <summary>Specifies a stage of a <see cref="LabelingPipeline"/> run, in the order the stages run.</summary>
public enum PipelineStage
{
    /// <summary>
    /// The items, seed items and test items are embedded for concept scores (<see cref="Concepts"/>); only in runs with an
    /// embedding generator (<see cref="LabelingPipelineOptions.EmbeddingGenerator"/>).
    /// </summary>
    Embed,

    /// <summary>Synthesizers write candidate programs.</summary>
    Synthesize,

    /// <summary>The sandbox compiles each candidate and the gate keeps the ones that earn their place.</summary>
    Gate,

    /// <summary>The kept programs label every item.</summary>
    Apply,

    /// <summary>A label model aggregates the votes into class probabilities.</summary>
    Aggregate,

    /// <summary>An end model is trained on the soft labels and predicts every item.</summary>
    Distill,

    /// <summary>Figures, costs and reports are assembled.</summary>
    Report,
}
