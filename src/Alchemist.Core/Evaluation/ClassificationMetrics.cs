namespace Alchemist;

/// <summary>Computes accuracy, binary F1 and macro-F1 of predictions against gold labels, as scikit-learn and WRENCH do.</summary>
/// <remarks>
/// A prediction of <see cref="Label.Abstain"/> is never correct and never positive. An undefined ratio (no positive
/// prediction, no positive gold) counts as 0, as scikit-learn's <c>zero_division=0</c>.
/// </remarks>
public static class ClassificationMetrics
{
    /// <summary>Computes the fraction of predictions equal to the gold label.</summary>
    /// <param name="gold">The gold labels.</param>
    /// <param name="predicted">The predictions, one per gold label.</param>
    /// <returns>The accuracy in 0..1; 0 for no items.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Accuracy(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        CheckLengths(gold, predicted);
        if (gold.Count == 0)
        {
            return 0;
        }

        int correct = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            correct += gold[i] == predicted[i] && gold[i] >= 0 ? 1 : 0;
        }

        return (double)correct / gold.Count;
    }

    /// <summary>Computes the F1 score of one class, treating every other class as negative.</summary>
    /// <param name="gold">The gold labels.</param>
    /// <param name="predicted">The predictions, one per gold label.</param>
    /// <param name="positiveClass">The positive class; 1 by default, as in WRENCH's binary F1.</param>
    /// <returns>The F1 score in 0..1.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="positiveClass"/> is negative.</exception>
    public static double F1(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, int positiveClass = 1)
    {
        CheckLengths(gold, predicted);
        ArgumentOutOfRangeException.ThrowIfNegative(positiveClass);
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            bool isPositive = gold[i] == positiveClass;
            bool saidPositive = predicted[i] == positiveClass;
            tp += isPositive && saidPositive ? 1 : 0;
            fp += !isPositive && saidPositive ? 1 : 0;
            fn += isPositive && !saidPositive ? 1 : 0;
        }

        return tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
    }

    /// <summary>Computes the unweighted mean F1 over the classes that occur in the gold labels or the predictions.</summary>
    /// <param name="gold">The gold labels.</param>
    /// <param name="predicted">The predictions, one per gold label.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The macro-F1 in 0..1; 0 for no items.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 2.</exception>
    public static double MacroF1(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, int classCount)
    {
        CheckLengths(gold, predicted);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var present = new bool[classCount];
        for (int i = 0; i < gold.Count; i++)
        {
            if (Label.IsClass(gold[i], classCount))
            {
                present[gold[i]] = true;
            }

            if (Label.IsClass(predicted[i], classCount))
            {
                present[predicted[i]] = true;
            }
        }

        double sum = 0;
        int classes = 0;
        for (int c = 0; c < classCount; c++)
        {
            if (present[c])
            {
                sum += F1(gold, predicted, c);
                classes++;
            }
        }

        return classes == 0 ? 0 : sum / classes;
    }

    /// <summary>Computes accuracy, binary F1 (two classes only) and macro-F1 together, with the confusion matrix when every gold label is a class.</summary>
    /// <param name="gold">The gold labels.</param>
    /// <param name="predicted">The predictions, one per gold label.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 2.</exception>
    public static ClassificationScores Score(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, int classCount) =>
        new(
            gold?.Count ?? throw new ArgumentNullException(nameof(gold)),
            Accuracy(gold, predicted),
            classCount == 2 ? F1(gold, predicted) : null,
            MacroF1(gold, predicted, classCount))
        {
            Confusion = gold.All(g => Label.IsClass(g, classCount)) ? new ConfusionMatrix(gold, predicted, classCount) : null,
        };

    private static void CheckLengths(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"{predicted.Count} predictions were given for {gold.Count} gold labels.", nameof(predicted));
        }
    }
}
