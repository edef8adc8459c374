namespace Alchemist;

/// <summary>Represents one split (train, valid or test) of a WRENCH-format dataset: items, gold labels and the benchmark's own votes.</summary>
public sealed class WrenchSplit
{
    internal WrenchSplit(string name, IReadOnlyList<string> ids, IReadOnlyList<string?> texts, IReadOnlyList<int> goldLabels, LabelMatrix weakLabels)
    {
        Name = name;
        Ids = ids;
        Texts = texts;
        GoldLabels = goldLabels;
        WeakLabels = weakLabels;
    }

    /// <summary>Gets the name of the split: <c>train</c>, <c>valid</c> or <c>test</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the id of each item, in file order.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Gets the text of each item (<c>data.text</c>), or <see langword="null"/> for an item without text.</summary>
    public IReadOnlyList<string?> Texts { get; }

    /// <summary>Gets the gold label of each item.</summary>
    public IReadOnlyList<int> GoldLabels { get; }

    /// <summary>Gets the votes of the dataset's own labeling functions (<c>weak_labels</c>).</summary>
    public LabelMatrix WeakLabels { get; }

    /// <summary>Gets the number of items.</summary>
    public int Count => Ids.Count;

    /// <summary>Gets a value indicating whether every item has a text.</summary>
    public bool HasText => Texts.All(t => t is not null);
}
