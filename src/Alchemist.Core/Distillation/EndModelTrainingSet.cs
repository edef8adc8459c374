namespace Alchemist;

/// <summary>Creates <see cref="EndModelTrainingSet{TItem}"/> instances from label-model output, gold labels or explicit distributions.</summary>
public static class EndModelTrainingSet
{
    /// <summary>Creates the training set of the weak-supervision flow: the items some program voted on, with the label model's distributions, weighted by confidence.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items, one per row of <paramref name="votes"/>.</param>
    /// <param name="votes">The programs' votes; a row with no vote is left out, since the label model knows nothing about it.</param>
    /// <param name="probabilities">The label model's distribution of each item.</param>
    /// <param name="weighting">How a covered item is weighted; <see cref="SoftLabelWeighting.Confidence"/> by default.</param>
    /// <returns>The covered items whose weight is positive, in order.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts of items, rows and distributions differ, or the classes differ.</exception>
    public static EndModelTrainingSet<TItem> FromLabelModel<TItem>(IReadOnlyList<TItem> items, LabelMatrix votes, ClassProbabilities probabilities, SoftLabelWeighting weighting = SoftLabelWeighting.Confidence)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (items.Count != votes.ItemCount || items.Count != probabilities.ItemCount)
        {
            throw new ArgumentException($"{items.Count} items, {votes.ItemCount} vote rows and {probabilities.ItemCount} distributions were given; give one of each per item.", nameof(items));
        }

        if (votes.ClassCount != probabilities.ClassCount)
        {
            throw new ArgumentException($"The votes have {votes.ClassCount} classes and the distributions {probabilities.ClassCount}; they must come from the same task.", nameof(probabilities));
        }

        int k = probabilities.ClassCount;
        var keptItems = new List<TItem>();
        var targets = new List<double>();
        var weights = new List<double>();
        for (int i = 0; i < items.Count; i++)
        {
            if (!IsCovered(votes.GetRow(i)))
            {
                continue;
            }

            ReadOnlySpan<double> row = probabilities.GetRow(i);
            double weight = weighting == SoftLabelWeighting.Uniform ? 1.0 : Confidence(row);
            if (weight <= 0)
            {
                continue;
            }

            keptItems.Add(items[i]);
            weights.Add(weight);
            foreach (double p in row)
            {
                targets.Add(p);
            }
        }

        return new EndModelTrainingSet<TItem>([.. keptItems], k, [.. targets], [.. weights]);
    }

    /// <summary>Creates a training set from gold (or seed) labels: one-hot targets, each item weighing <paramref name="weight"/>.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="labels">The class of each item.</param>
    /// <param name="classCount">The number of classes, <c>K</c>.</param>
    /// <param name="weight">The weight of every item; 1 by default.</param>
    /// <returns>The training set.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts differ, or a label is not a class index.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is outside 2..127, or <paramref name="weight"/> is not positive and finite.</exception>
    public static EndModelTrainingSet<TItem> FromLabels<TItem>(IReadOnlyList<TItem> items, IReadOnlyList<int> labels, int classCount, double weight = 1.0)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(labels);
        CheckClassCount(classCount);
        if (!(weight > 0 && double.IsFinite(weight)))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The weight must be positive and finite.");
        }

        if (items.Count != labels.Count)
        {
            throw new ArgumentException($"{labels.Count} labels were given for {items.Count} items; give one label per item.", nameof(labels));
        }

        var targets = new double[items.Count * classCount];
        for (int i = 0; i < labels.Count; i++)
        {
            if (!Label.IsClass(labels[i], classCount))
            {
                throw new ArgumentException($"Label {i} is {labels[i]}; it must be a class index in 0..{classCount - 1}.", nameof(labels));
            }

            targets[(i * classCount) + labels[i]] = 1;
        }

        var weights = new double[items.Count];
        Array.Fill(weights, weight);
        return new EndModelTrainingSet<TItem>([.. items], classCount, targets, weights);
    }

    /// <summary>Creates a training set from explicit distributions and weights.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="targets">The target distribution of each item.</param>
    /// <param name="weights">The weight of each item, non-negative and finite; every item weighs 1 when <see langword="null"/>.</param>
    /// <returns>The training set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="targets"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts differ, or a weight is negative or not finite.</exception>
    public static EndModelTrainingSet<TItem> FromSoftLabels<TItem>(IReadOnlyList<TItem> items, ClassProbabilities targets, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(targets);
        if (items.Count != targets.ItemCount)
        {
            throw new ArgumentException($"{targets.ItemCount} distributions were given for {items.Count} items; give one per item.", nameof(targets));
        }

        double[] w;
        if (weights is null)
        {
            w = new double[items.Count];
            Array.Fill(w, 1.0);
        }
        else
        {
            if (weights.Count != items.Count)
            {
                throw new ArgumentException($"{weights.Count} weights were given for {items.Count} items; give one per item.", nameof(weights));
            }

            w = [.. weights];
            for (int i = 0; i < w.Length; i++)
            {
                if (!(w[i] >= 0 && double.IsFinite(w[i])))
                {
                    throw new ArgumentException($"Weight {i} is {w[i]}; weights must be non-negative and finite.", nameof(weights));
                }
            }
        }

        return new EndModelTrainingSet<TItem>([.. items], targets.ClassCount, targets.AsSpan().ToArray(), w);
    }

    /// <summary>Gets the confidence of a distribution: its highest probability rescaled so that uniform is 0 and certain is 1.</summary>
    /// <param name="distribution">A distribution over at least two classes.</param>
    /// <returns>A value in 0..1.</returns>
    internal static double Confidence(ReadOnlySpan<double> distribution)
    {
        double max = 0;
        foreach (double p in distribution)
        {
            max = Math.Max(max, p);
        }

        double uniform = 1.0 / distribution.Length;
        return Math.Clamp((max - uniform) / (1 - uniform), 0, 1);
    }

    private static bool IsCovered(ReadOnlySpan<sbyte> votes)
    {
        foreach (sbyte vote in votes)
        {
            if (vote >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckClassCount(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, Label.MaxClassCount);
    }
}
