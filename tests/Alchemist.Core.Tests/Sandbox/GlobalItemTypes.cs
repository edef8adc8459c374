#pragma warning disable CA1050 // Declared in the global namespace on purpose, as an app with top-level statements does.

/// <summary>A comment record in the global namespace, as an app with top-level statements declares its types.</summary>
public sealed record GlobalComment(string Text, int Likes);

/// <summary>A comment class in the global namespace.</summary>
public sealed class GlobalPost
{
    /// <summary>Gets or sets the text.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets the number of likes.</summary>
    public int Likes { get; set; }
}
