namespace Alchemist;

/// <summary>Counts how the items of each gold class were predicted, with each class's precision, recall and F1.</summary>
/// <remarks>An abstain (<see cref="Label.Abstain"/>, or any value outside <c>0..K-1</c>) is counted apart, per gold class; it is wrong for every class's recall and counts toward no class's precision.</remarks>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;
    private readonly long[] _abstained;

    /// <summary>Initializes a new instance of the <see cref="ConfusionMatrix"/> class from gold labels and predictions.</summary>
    /// <param name="gold">The gold labels, each in <c>0..K-1</c>.</param>
    /// <param name="predicted">The predictions, one per gold label.</param>
    /// <param name="classCount">The number of classes, <c>K</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> or <paramref name="predicted"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lengths differ, or a gold label is not a class.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 2.</exception>
    public ConfusionMatrix(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, int classCount)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"{predicted.Count} predictions were given for {gold.Count} gold labels.", nameof(predicted));
        }

        ClassCount = classCount;
        _counts = new long[classCount * classCount];
        _abstained = new long[classCount];
        for (int i = 0; i < gold.Count; i++)
        {
            if (!Label.IsClass(gold[i], classCount))
            {
                throw new ArgumentException($"The gold label of item {i} is {gold[i]}, not a class in 0..{classCount - 1}.", nameof(gold));
            }

            if (Label.IsClass(predicted[i], classCount))
            {
                _counts[(gold[i] * classCount) + predicted[i]]++;
            }
            else
            {
                _abstained[gold[i]]++;
            }
        }
    }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of items of a gold class predicted as a class.</summary>
    /// <param name="gold">The gold class.</param>
    /// <param name="predicted">The predicted class.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside <c>0..K-1</c>.</exception>
    public long this[int gold, int predicted]
    {
        get
        {
            CheckClass(gold);
            CheckClass(predicted);
            return _counts[(gold * ClassCount) + predicted];
        }
    }

    /// <summary>Gets the number of items of a gold class with no prediction (an abstain).</summary>
    /// <param name="gold">The gold class.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gold"/> is outside <c>0..K-1</c>.</exception>
    public long Abstained(int gold)
    {
        CheckClass(gold);
        return _abstained[gold];
    }

    /// <summary>Gets the number of items of a gold class.</summary>
    /// <param name="gold">The gold class.</param>
    /// <returns>The count, abstains included.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gold"/> is outside <c>0..K-1</c>.</exception>
    public long Support(int gold)
    {
        CheckClass(gold);
        long sum = _abstained[gold];
        for (int p = 0; p < ClassCount; p++)
        {
            sum += _counts[(gold * ClassCount) + p];
        }

        return sum;
    }

    /// <summary>Gets the fraction of the items predicted as a class that are of it; 0 when none was.</summary>
    /// <param name="label">The class.</param>
    /// <returns>The precision in 0..1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is outside <c>0..K-1</c>.</exception>
    public double Precision(int label)
    {
        CheckClass(label);
        long predictedAs = 0;
        for (int g = 0; g < ClassCount; g++)
        {
            predictedAs += _counts[(g * ClassCount) + label];
        }

        return predictedAs == 0 ? 0 : (double)this[label, label] / predictedAs;
    }

    /// <summary>Gets the fraction of the items of a class predicted as it; 0 when there are none.</summary>
    /// <param name="label">The class.</param>
    /// <returns>The recall in 0..1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is outside <c>0..K-1</c>.</exception>
    public double Recall(int label)
    {
        long support = Support(label);
        return support == 0 ? 0 : (double)this[label, label] / support;
    }

    /// <summary>Gets the F1 score of a class, the harmonic mean of its precision and recall.</summary>
    /// <param name="label">The class.</param>
    /// <returns>The F1 score in 0..1; 0 when the class was neither present nor predicted.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is outside <c>0..K-1</c>.</exception>
    public double F1(int label)
    {
        double precision = Precision(label), recall = Recall(label);
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    private void CheckClass(int label, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(label))] string? paramName = null)
    {
        if (!Label.IsClass(label, ClassCount))
        {
            throw new ArgumentOutOfRangeException(paramName, label, $"The class must be in 0..{ClassCount - 1}.");
        }
    }
}
