namespace Alchemist.Testing;

/// <summary>Represents a label matrix generated from known truth: the hidden labels and each function's true accuracy and coverage.</summary>
/// <param name="Matrix">The generated votes.</param>
/// <param name="TrueLabels">The hidden class of each item.</param>
/// <param name="Accuracies">The probability that each function's vote is right, given that it votes.</param>
/// <param name="Coverages">The probability that each function votes on an item.</param>
/// <param name="ClassBalance">The prior the hidden classes were drawn from.</param>
public sealed record SyntheticLabelMatrix(
    LabelMatrix Matrix,
    IReadOnlyList<int> TrueLabels,
    IReadOnlyList<double> Accuracies,
    IReadOnlyList<double> Coverages,
    IReadOnlyList<double> ClassBalance);
