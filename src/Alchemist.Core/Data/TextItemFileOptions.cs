namespace Alchemist;

/// <summary>Represents which fields of a CSV or JSON Lines file hold the id, the text and the label of an item.</summary>
public sealed record TextItemFileOptions
{
    /// <summary>Gets the field of the text.</summary>
    /// <value>The default is <c>"text"</c>.</value>
    public string TextField { get; init; } = "text";

    /// <summary>Gets the field of the id, or <see langword="null"/> to number the records.</summary>
    /// <value>The default is <c>"id"</c>, used when present.</value>
    public string? IdField { get; init; } = "id";

    /// <summary>Gets the field of the gold label, or <see langword="null"/> for none. A label is a class index or, when <see cref="ClassNames"/> is set, a class name.</summary>
    /// <value>The default is <c>"label"</c>, used when present.</value>
    public string? LabelField { get; init; } = "label";

    /// <summary>Gets the class names, to read labels written as names; <see langword="null"/> to accept indices only.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Gets a value indicating whether every record must have an id in <see cref="IdField"/>, as when the ids join the output back to the input; a file without that column, or a record with an empty or missing id, is malformed.</summary>
    /// <value>The default is <see langword="false"/>: a record without an id is numbered (1-based). Ignored when <see cref="IdField"/> is <see langword="null"/>.</value>
    public bool RequireId { get; init; }

    /// <summary>Gets a value indicating whether every record must have a label, as a scored test file must; a record without one is malformed.</summary>
    /// <value>The default is <see langword="false"/>: a record with an empty or missing label has a <see langword="null"/> <see cref="TextItem.Label"/>.</value>
    public bool RequireLabel { get; init; }
}
