namespace Alchemist.TestItems;

/// <summary>A product review, declared in a library of the host's rather than in the host itself.</summary>
public sealed record Review(string Text, int Stars);
