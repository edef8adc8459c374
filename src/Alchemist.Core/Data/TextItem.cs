namespace Alchemist;

/// <summary>Represents a text item read from a file: an id, the text, and its gold label when the file has one.</summary>
/// <param name="Id">The id of the item: the id field, or the 1-based record number when the file has none.</param>
/// <param name="Text">The text to label.</param>
/// <param name="Label">The gold class index, or <see langword="null"/> when unknown.</param>
public sealed record TextItem(string Id, string Text, int? Label);
