namespace Alchemist;

/// <summary>Represents how far a <see cref="LabelingFunctionApplier"/> has come.</summary>
/// <param name="ItemsLabeled">The number of items labeled so far.</param>
/// <param name="TotalItems">The total number of items when the input's size is known; otherwise <see langword="null"/>.</param>
public readonly record struct LabelingProgress(long ItemsLabeled, long? TotalItems);
