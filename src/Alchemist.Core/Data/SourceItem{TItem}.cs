namespace Alchemist;

/// <summary>Represents one item read from an <see cref="IItemSource{TItem}"/>, with its id.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <param name="Id">The item's id, written beside its label (for example in <c>labels.jsonl</c>).</param>
/// <param name="Item">The item.</param>
public readonly record struct SourceItem<TItem>(string Id, TItem Item);
