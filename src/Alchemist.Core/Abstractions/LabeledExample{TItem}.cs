namespace Alchemist;

/// <summary>Represents an item with its gold label.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <param name="Item">The item.</param>
/// <param name="Label">Its class index.</param>
public sealed record LabeledExample<TItem>(TItem Item, int Label);
