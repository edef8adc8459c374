namespace Alchemist;

/// <summary>Represents what an end model learns from: items, a target class distribution per item and a weight per item.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// <para>
/// Targets are distributions, so soft labels from a label model and one-hot gold labels are the same thing here. The
/// weight scales an item's share of the training loss; an item with weight 0 is ignored. Build one with
/// <see cref="EndModelTrainingSet.FromLabelModel{TItem}"/> (the weak-supervision flow),
/// <see cref="EndModelTrainingSet.FromLabels{TItem}"/> (seed labels) or <see cref="EndModelTrainingSet.FromSoftLabels{TItem}"/>,
/// and join two with <see cref="Concat"/> (for example the weakly labeled items and the labeled dev split).
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class EndModelTrainingSet<TItem>
{
    private readonly TItem[] _items;
    private readonly double[] _targets;
    private readonly double[] _weights;

    internal EndModelTrainingSet(TItem[] items, int classCount, double[] targets, double[] weights, IReadOnlyList<double>? classBalance = null)
    {
        _items = items;
        ClassCount = classCount;
        _targets = targets;
        _weights = weights;
        ClassBalance = classBalance;
    }

    /// <summary>Gets the number of items.</summary>
    public int Count => _items.Length;

    /// <summary>Gets the number of classes, <c>K</c>.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the items.</summary>
    public IReadOnlyList<TItem> Items => _items;

    /// <summary>Gets the weight of each item.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Gets the class balance of the population the items come from, when it is known; <see langword="null"/> otherwise.</summary>
    /// <remarks>
    /// The items programs cover are rarely a fair sample: easy classes are covered more. When this is set, an end model
    /// weighs the classes from this balance instead of from the training set's own skewed class mass (see
    /// <see cref="EndModelClassWeighting"/>). Set it with <see cref="WithClassBalance"/>, for example to the class
    /// shares of the labeled dev split, or to the label model's <see cref="LabelModelFitReport.ClassBalance"/>.
    /// </remarks>
    public IReadOnlyList<double>? ClassBalance { get; }

    /// <summary>Gets the sum of the weights.</summary>
    public double TotalWeight => _weights.Sum();

    /// <summary>Gets the target distribution of one item.</summary>
    /// <param name="item">The index of the item.</param>
    /// <returns><see cref="ClassCount"/> probabilities summing to 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is out of range.</exception>
    public ReadOnlySpan<double> GetTarget(int item)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)item, (uint)Count, nameof(item));
        return new ReadOnlySpan<double>(_targets, item * ClassCount, ClassCount);
    }

    /// <summary>Joins this training set and another with the same classes, this one first.</summary>
    /// <param name="other">The other training set.</param>
    /// <returns>A new training set holding the items of both.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> has another number of classes.</exception>
    public EndModelTrainingSet<TItem> Concat(EndModelTrainingSet<TItem> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ClassCount != ClassCount)
        {
            throw new ArgumentException($"Training sets with {ClassCount} and {other.ClassCount} classes cannot be joined; both must have the same classes.", nameof(other));
        }

        return new EndModelTrainingSet<TItem>([.. _items, .. other._items], ClassCount, [.. _targets, .. other._targets], [.. _weights, .. other._weights], ClassBalance ?? other.ClassBalance);
    }

    /// <summary>Returns a copy of this training set with a known class balance (see <see cref="ClassBalance"/>).</summary>
    /// <param name="classBalance">One positive share per class, summing to 1; <see langword="null"/> to clear it.</param>
    /// <returns>The copy; the items, targets and weights are shared.</returns>
    /// <exception cref="ArgumentException"><paramref name="classBalance"/> has the wrong length, a share that is not positive, or does not sum to 1.</exception>
    public EndModelTrainingSet<TItem> WithClassBalance(IReadOnlyList<double>? classBalance)
    {
        if (classBalance is not null)
        {
            if (classBalance.Count != ClassCount)
            {
                throw new ArgumentException($"The class balance has {classBalance.Count} shares for {ClassCount} classes; give one per class.", nameof(classBalance));
            }

            if (classBalance.Any(p => !(p > 0 && p < 1)) || Math.Abs(classBalance.Sum() - 1) > 1e-6)
            {
                throw new ArgumentException("The class balance must hold shares strictly between 0 and 1 that sum to 1.", nameof(classBalance));
            }

            classBalance = [.. classBalance];
        }

        return new EndModelTrainingSet<TItem>(_items, ClassCount, _targets, _weights, classBalance);
    }

    /// <summary>
    /// Returns a seeded uniform sample of <paramref name="count"/> of the items, in their original order, each weight
    /// multiplied by <c>Count / count</c> so the sample's weighted loss estimates the whole set's without bias (and the
    /// L2 penalty keeps the same balance against it); the whole set when it holds no more than <paramref name="count"/>.
    /// </summary>
    /// <param name="count">The number of items to keep, at least 1.</param>
    /// <param name="seed">The seed of the choice: the same seed and set give the same sample.</param>
    internal EndModelTrainingSet<TItem> Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (Count <= count)
        {
            return this;
        }

        int[] order = SeededSample.Indices(Count, count, seed);
        double scale = (double)Count / count;
        var items = new TItem[count];
        var targets = new double[count * ClassCount];
        var weights = new double[count];
        for (int s = 0; s < count; s++)
        {
            int i = order[s];
            items[s] = _items[i];
            weights[s] = _weights[i] * scale;
            Array.Copy(_targets, i * ClassCount, targets, s * ClassCount, ClassCount);
        }

        return new EndModelTrainingSet<TItem>(items, ClassCount, targets, weights, ClassBalance);
    }

    internal ReadOnlySpan<double> TargetSpan => _targets;

    internal ReadOnlySpan<double> WeightSpan => _weights;
}
