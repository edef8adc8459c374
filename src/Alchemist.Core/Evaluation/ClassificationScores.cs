namespace Alchemist;

/// <summary>Represents how well predictions match gold labels.</summary>
/// <param name="Items">The number of items scored.</param>
/// <param name="Accuracy">The fraction of items predicted correctly; an abstain is wrong.</param>
/// <param name="F1">The F1 score of class 1 when there are two classes; otherwise <see langword="null"/>.</param>
/// <param name="MacroF1">The unweighted mean of the per-class F1 scores.</param>
public sealed record ClassificationScores(int Items, double Accuracy, double? F1, double MacroF1)
{
    /// <summary>Gets how the items of each gold class were predicted, with each class's precision, recall and F1; <see langword="null"/> when the scores were made without it.</summary>
    public ConfusionMatrix? Confusion { get; init; }
}
