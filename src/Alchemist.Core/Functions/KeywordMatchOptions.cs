namespace Alchemist;

/// <summary>Represents how a keyword labeling function matches its keywords.</summary>
/// <remarks>Immutable; use a <see langword="with"/> expression to derive a variant.</remarks>
public sealed record KeywordMatchOptions
{
    /// <summary>Gets the default options: any keyword, case-insensitive, whole words.</summary>
    public static KeywordMatchOptions Default { get; } = new();

    /// <summary>Gets a value indicating whether every keyword must occur (<see langword="true"/>) or any one suffices.</summary>
    /// <value>The default is <see langword="false"/>: any keyword.</value>
    public bool RequireAll { get; init; }

    /// <summary>Gets a value indicating whether the comparison ignores case (ordinal, invariant case folding).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IgnoreCase { get; init; } = true;

    /// <summary>Gets a value indicating whether a keyword must stand as whole words, not inside a longer word.</summary>
    /// <value>The default is <see langword="true"/>: "my" matches "my song" but not "mystery".</value>
    public bool WholeWords { get; init; } = true;
}
