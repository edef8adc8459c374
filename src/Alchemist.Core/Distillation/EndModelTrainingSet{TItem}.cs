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

    internal EndModelTrainingSet(TItem[] items, int classCount, double[] targets, double[] weights)
    {
        _items = items;
        ClassCount = classCount;
        _targets = targets;
        _weights = weights;
    }

    /// <summary>Gets the number of items.</summary>
    public int Count => _items.Length;

    /// <summary>Gets the number of classes, <c>K</c>.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the items.</summary>
    public IReadOnlyList<TItem> Items => _items;

    /// <summary>Gets the weight of each item.</summary>
    public IReadOnlyList<double> Weights => _weights;

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

        return new EndModelTrainingSet<TItem>([.. _items, .. other._items], ClassCount, [.. _targets, .. other._targets], [.. _weights, .. other._weights]);
    }

    internal ReadOnlySpan<double> TargetSpan => _targets;

    internal ReadOnlySpan<double> WeightSpan => _weights;
}
