namespace Alchemist;

/// <summary>Represents the figures of one labeling function over a label matrix, with the definitions of Snorkel's <c>LFAnalysis</c>.</summary>
/// <param name="Index">The column of the function.</param>
/// <param name="Name">The name of the function.</param>
/// <param name="Polarity">The distinct classes the function voted for, in ascending order.</param>
/// <param name="Votes">The number of items the function voted on.</param>
/// <param name="Coverage">The fraction of items the function voted on.</param>
/// <param name="Overlaps">The fraction of items the function voted on together with at least one other function.</param>
/// <param name="Conflicts">The fraction of items the function voted on where the non-abstain votes disagree.</param>
/// <param name="Correct">The number of votes equal to the gold label, when gold labels were given.</param>
/// <param name="Incorrect">The number of votes different from the gold label, when gold labels were given.</param>
/// <param name="EmpiricalAccuracy"><c>Correct / Votes</c> when gold labels were given and the function voted at least once; otherwise <see langword="null"/>.</param>
public sealed record LabelingFunctionSummary(
    int Index,
    string Name,
    IReadOnlyList<int> Polarity,
    long Votes,
    double Coverage,
    double Overlaps,
    double Conflicts,
    long? Correct,
    long? Incorrect,
    double? EmpiricalAccuracy);
