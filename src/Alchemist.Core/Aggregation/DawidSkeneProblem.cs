namespace Alchemist;

/// <summary>What <see cref="DawidSkeneEstimator"/> fits: the rows, the shape and the settings.</summary>
internal sealed record DawidSkeneProblem(IRowChunks Rows, int ClassCount)
{
    public double[]? FixedBalance { get; init; }

    public double Smoothing { get; init; } = 1;

    public bool ModelAbstentions { get; init; } = true;

    public int MaxIterations { get; init; } = 200;

    public double Tolerance { get; init; } = 1e-5;

    public LabelMatrix? DevMatrix { get; init; }

    public IReadOnlyList<int>? DevLabels { get; init; }

    public double DevWeight { get; init; }
}

/// <summary>The outcome of <see cref="DawidSkeneEstimator.Fit"/>.</summary>
internal sealed record DawidSkeneFit(VoteLogTable Table, double[] Balance, int Iterations, bool Converged, double LastChange, double[] Accuracies);
