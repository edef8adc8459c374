namespace Alchemist;

/// <summary>Represents what happened when a label model was fitted: iterations, convergence, the class balance used and any warnings.</summary>
public sealed record LabelModelFitReport
{
    /// <summary>Gets the name of the model that was fitted.</summary>
    public required string ModelName { get; init; }

    /// <summary>Gets the class balance the model used, given or estimated.</summary>
    public required IReadOnlyList<double> ClassBalance { get; init; }

    /// <summary>Gets the number of optimizer or EM iterations, or <see langword="null"/> for a closed-form model.</summary>
    public int? Iterations { get; init; }

    /// <summary>Gets whether an iterative fit met its convergence criterion before the iteration cap, or <see langword="null"/> for a closed-form model.</summary>
    public bool? Converged { get; init; }

    /// <summary>Gets the wall-clock time of the fit.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the name of the model an automatic choice selected, or <see langword="null"/> when no choice was made.</summary>
    public string? Selected { get; init; }

    /// <summary>Gets why an automatic choice selected <see cref="Selected"/>, in one sentence, or <see langword="null"/> when no choice was made.</summary>
    public string? SelectionReason { get; init; }

    /// <summary>Gets each candidate's dev-split score when an automatic choice was made; otherwise <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, double>? CandidateScores { get; init; }

    /// <summary>Gets the fitted model's score on the dev split by the metric of the fit options, when a dev split was given; otherwise <see langword="null"/>.</summary>
    /// <remarks>A model that fitted on the dev labels reports a cross-validated score, so that it is not flattered by its own training data.</remarks>
    public double? DevScore { get; init; }

    /// <summary>Gets the estimated accuracy of each labeling function, in column order, when the model estimates them; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<double>? FunctionAccuracies { get; init; }

    /// <summary>Gets warnings a user should read, such as a fit that did not converge.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
