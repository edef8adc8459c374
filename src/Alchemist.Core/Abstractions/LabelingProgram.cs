using System.Security.Cryptography;
using System.Text;

namespace Alchemist;

/// <summary>Represents a labeling program: C# source in the program format, a stable content hash, and where it came from.</summary>
/// <remarks>
/// <para>
/// The program format: one class holding <c>public static int Label(T item)</c>, where <c>T</c> is the item type
/// (<see cref="string"/> for text datasets, or a record type of the host's). It returns a class index or -1 to abstain.
/// Using directives are allowed. See docs/program-format.md.
/// </para>
/// <para>
/// A program is plain data until the sandbox compiles it; treat its source as hostile. Instances are immutable.
/// </para>
/// </remarks>
public sealed class LabelingProgram
{
    /// <summary>Initializes a new instance of the <see cref="LabelingProgram"/> class.</summary>
    /// <param name="name">A name unique within a run or library, such as <c>llm-007</c>; letters, digits, '-', '_' and '.'.</param>
    /// <param name="source">The C# source.</param>
    /// <param name="provenance">Where the program came from.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or has other characters, or <paramref name="source"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="provenance"/> is <see langword="null"/>.</exception>
    public LabelingProgram(string name, string source, ProgramProvenance provenance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(provenance);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"The program name '{name}' may only hold letters, digits, '-', '_' and '.', and must not start with '.'.", nameof(name));
        }

        Name = name;
        Source = source;
        Provenance = provenance;
        ContentHash = ComputeHash(source);
    }

    /// <summary>Gets the name of the program; it is also the name of the labeling function compiled from it.</summary>
    public string Name { get; }

    /// <summary>Gets the C# source.</summary>
    public string Source { get; }

    /// <summary>Gets the lowercase hexadecimal SHA-256 of the source with line endings normalized to '\n' and trailing white space trimmed.</summary>
    public string ContentHash { get; }

    /// <summary>Gets where the program came from.</summary>
    public ProgramProvenance Provenance { get; }

    /// <summary>Computes the content hash of a source, as <see cref="ContentHash"/> does.</summary>
    /// <param name="source">The C# source.</param>
    /// <returns>64 lowercase hexadecimal digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public static string ComputeHash(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string normalized = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    /// <summary>Determines whether a name is a valid program name.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it is non-empty, does not start with '.', and holds only letters, digits, '-', '_' and '.'.</returns>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 128 && name[0] != '.' &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({ContentHash[..12]})";
}
