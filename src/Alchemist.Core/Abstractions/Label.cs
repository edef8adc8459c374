namespace Alchemist;

/// <summary>Provides the conventions shared by every vote in Alchemist.</summary>
/// <remarks>
/// Classes are numbered <c>0..K-1</c> and <see cref="Abstain"/> (<c>-1</c>) means "no opinion", the convention of
/// Snorkel, WRENCH and the ALCHEmist paper, so their label matrices load unchanged.
/// </remarks>
public static class Label
{
    /// <summary>The vote of a labeling function that has no opinion about an item.</summary>
    public const int Abstain = -1;

    /// <summary>The largest number of classes a label space may have, so that every vote fits in an <see cref="sbyte"/>.</summary>
    public const int MaxClassCount = 127;

    /// <summary>Determines whether <paramref name="vote"/> is a class index of a label space with <paramref name="classCount"/> classes.</summary>
    /// <param name="vote">The vote to test.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns><see langword="true"/> when <paramref name="vote"/> is in <c>0..classCount-1</c>.</returns>
    public static bool IsClass(int vote, int classCount) => (uint)vote < (uint)classCount;
}
