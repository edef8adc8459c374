namespace Alchemist;

/// <summary>Represents an item shown to the model as feedback: its gold label when known, and the classes the kept programs voted for it.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <param name="Item">The item.</param>
/// <param name="Label">Its gold class index, or <see langword="null"/> for an unlabeled item.</param>
/// <param name="Votes">The distinct classes the kept programs voted for it, in ascending order; empty when none voted.</param>
public sealed record FeedbackExample<TItem>(TItem Item, int? Label, IReadOnlyList<int> Votes);
