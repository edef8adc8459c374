namespace Alchemist;

/// <summary>Represents one chunk of a streamed run's final labels, as given to an <see cref="ILabelSink"/>: consecutive items from <see cref="Start"/>, each with its id, label and class distribution.</summary>
/// <remarks>The labels and distributions are exactly those a run over the same items as a list gives in <see cref="LabelingRun.Labels"/> and <see cref="LabelingRun.Probabilities"/>.</remarks>
public sealed class LabeledChunk
{
    private readonly int[] _labels;

    /// <summary>Initializes a new instance of the <see cref="LabeledChunk"/> class.</summary>
    /// <param name="start">The index of the chunk's first item among all items.</param>
    /// <param name="ids">The id of each item.</param>
    /// <param name="labels">The final label of each item.</param>
    /// <param name="probabilities">The final class distribution of each item.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative.</exception>
    /// <exception cref="ArgumentException">The counts differ.</exception>
    public LabeledChunk(long start, IReadOnlyList<string> ids, int[] labels, ClassProbabilities probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (ids.Count != labels.Length || ids.Count != probabilities.ItemCount)
        {
            throw new ArgumentException($"{ids.Count} ids, {labels.Length} labels and {probabilities.ItemCount} distributions were given; give one of each per item.", nameof(labels));
        }

        Start = start;
        Ids = ids;
        _labels = labels;
        Probabilities = probabilities;
    }

    /// <summary>Gets the index of the chunk's first item among all items.</summary>
    public long Start { get; }

    /// <summary>Gets the number of items in the chunk.</summary>
    public int Count => _labels.Length;

    /// <summary>Gets the id of each item.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Gets the final label of each item: the most probable class, ties broken as in a list run.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Gets the final class distribution of each item.</summary>
    public ClassProbabilities Probabilities { get; }
}
