namespace Alchemist;

/// <summary>Represents what happened when an end model was trained.</summary>
public sealed record EndModelTrainingReport
{
    /// <summary>Gets the name of the learner.</summary>
    public required string ModelName { get; init; }

    /// <summary>Gets the number of training items with a positive weight.</summary>
    public required int ItemCount { get; init; }

    /// <summary>Gets the number of features the model learned a weight for.</summary>
    public required int FeatureCount { get; init; }

    /// <summary>Gets the number of optimizer iterations.</summary>
    public int Iterations { get; init; }

    /// <summary>Gets a value indicating whether the optimizer met its convergence criterion before the iteration cap.</summary>
    public bool Converged { get; init; }

    /// <summary>Gets the final value of the training objective (weighted cross-entropy plus the L2 penalty).</summary>
    public double Objective { get; init; }

    /// <summary>Gets the wall-clock time of the training, embeddings included.</summary>
    public TimeSpan Elapsed { get; init; }
}
