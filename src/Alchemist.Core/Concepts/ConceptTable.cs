using System.Collections.Frozen;

namespace Alchemist;

/// <summary>
/// An immutable table of concept scores: one column of similarities per phrase and per class prototype, one row per
/// item. <see cref="Concepts"/> reads one row of it.
/// </summary>
/// <remarks>Columns are shared between tables: a table with more phrases reuses the columns of the one before.</remarks>
internal sealed class ConceptTable
{
    private readonly FrozenDictionary<string, float[]> _columns;
    private readonly float[]?[] _prototypes;

    private ConceptTable(int rowCount, FrozenDictionary<string, float[]> columns, IReadOnlyList<string> phrases, float[]?[] prototypes)
    {
        RowCount = rowCount;
        _columns = columns;
        Phrases = phrases;
        _prototypes = prototypes;
    }

    /// <summary>Gets the number of items.</summary>
    public int RowCount { get; }

    /// <summary>Gets the phrases, in the order they were added.</summary>
    public IReadOnlyList<string> Phrases { get; }

    /// <summary>Gets the number of prototype columns (the class count, when every class had seed examples).</summary>
    public int PrototypeCount => _prototypes.Length;

    /// <summary>Gets the prototype columns by class; a class without seed examples has none.</summary>
    public IReadOnlyList<float[]?> PrototypeColumns => _prototypes;

    /// <summary>Creates a table; each column holds <paramref name="rowCount"/> values.</summary>
    public static ConceptTable Create(int rowCount, IReadOnlyList<string> phrases, IReadOnlyList<float[]> columns, IReadOnlyList<float[]?> prototypes)
    {
        var map = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < phrases.Count; i++)
        {
            if (map.TryAdd(phrases[i], columns[i]))
            {
                order.Add(phrases[i]);
            }
        }

        return new ConceptTable(rowCount, map.ToFrozenDictionary(StringComparer.Ordinal), order, [.. prototypes]);
    }

    /// <summary>Determines whether the table holds a phrase.</summary>
    public bool Contains(string phrase) => _columns.ContainsKey(phrase);

    /// <summary>Gets the column of a phrase.</summary>
    public float[]? Column(string phrase) => _columns.GetValueOrDefault(phrase);

    /// <summary>Returns a table with more phrase columns.</summary>
    public ConceptTable With(IReadOnlyList<string> phrases, IReadOnlyList<float[]> columns) =>
        Create(RowCount, [.. Phrases, .. phrases], [.. Phrases.Select(p => _columns[p]), .. columns], _prototypes);

    /// <summary>Gets the score of a phrase on a row.</summary>
    /// <exception cref="ConceptNotEmbeddedException">The phrase has no column.</exception>
    public double Score(string phrase, int row)
    {
        if (phrase is null || !_columns.TryGetValue(phrase, out float[]? column))
        {
            throw new ConceptNotEmbeddedException(phrase is null
                ? "The concept phrase is null."
                : $"The concept \"{Shorten(phrase)}\" was not embedded for this run: a program may only name phrases that are compile-time constant strings in its source, which the run embeds before it runs the program.");
        }

        return column[row];
    }

    /// <summary>Gets the score of a class prototype on a row.</summary>
    /// <exception cref="ConceptNotEmbeddedException">The class has no prototype.</exception>
    public double Prototype(int classIndex, int row)
    {
        if ((uint)classIndex >= (uint)_prototypes.Length || _prototypes[classIndex] is not { } column)
        {
            throw new ConceptNotEmbeddedException(_prototypes.Length == 0
                ? $"Prototype({classIndex}) has no value: the run had no seed examples, so no class has a prototype."
                : $"Prototype({classIndex}) has no value: the run had no seed example of class {classIndex} (classes 0 to {_prototypes.Length - 1}).");
        }

        return column[row];
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..77] + "..." : text;
}

/// <summary>
/// The exception thrown when a program looks up a concept the run did not embed. Programs cannot catch it
/// (<see cref="SandboxRuntime.CanCatch"/>): the call abstains and counts as a fault of the program.
/// </summary>
internal sealed class ConceptNotEmbeddedException(string message) : KeyNotFoundException(message);
