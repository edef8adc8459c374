using System.Globalization;

namespace Alchemist;

/// <summary>
/// Represents one item's concept scores, the second argument of a concept program's entry point
/// <c>public static int Label(T item, Concepts concepts)</c>: the cosine similarity of the item's embedding to each
/// phrase the run embedded, and to each class's seed examples.
/// </summary>
/// <remarks>
/// <para>
/// A run computes the scores once, before any program runs: the embeddings of its items and of every phrase its
/// programs name, in batches, cached on disk (see docs/concept-programs.md). A lookup is a read from that precomputed
/// table, and the value is a small struct, so a program call allocates nothing for it.
/// </para>
/// <para>
/// Phrases must be compile-time constant strings in a program (the sandbox rejects any other argument), so the run
/// knows every phrase before it applies the program. Looking up a phrase the run did not embed throws; the call then
/// abstains and counts as a fault of the program, which the program cannot catch.
/// </para>
/// <para>The <see langword="default"/> value holds no scores: every lookup on it throws.</para>
/// </remarks>
/// <example>
/// <code>
/// public static int Label(string item, Concepts concepts)
/// {
///     if (concepts["asks people to visit a channel"] &gt;= 0.45) return 1;
///     return concepts.Prototype(0) &gt;= 0.6 ? 0 : -1;
/// }
/// </code>
/// </example>
#pragma warning disable CA1815 // Programs get the value and only read it; comparing two items' scores has no meaning.
public readonly struct Concepts
#pragma warning restore CA1815
{
    private readonly ConceptTable? _table;
    private readonly int _row;

    internal Concepts(ConceptTable table, int row)
    {
        _table = table;
        _row = row;
    }

    /// <summary>Gets the cosine similarity of the item to a phrase the run embedded: from -1 to 1, higher when the item is closer in meaning to the phrase.</summary>
    /// <param name="phrase">The phrase, a compile-time constant string in a program, such as <c>"asks people to visit a channel"</c>.</param>
    /// <returns>The similarity.</returns>
    /// <exception cref="KeyNotFoundException">The run did not embed <paramref name="phrase"/>, or this value holds no scores.</exception>
    public double this[string phrase] => Table.Score(phrase, _row);

    /// <summary>Gets the number of classes whose prototype the scores hold: 0 when the run had no seed examples.</summary>
    public int PrototypeCount => _table?.PrototypeCount ?? 0;

    /// <summary>Gets the cosine similarity of the item to the centroid of a class's seed examples (for a seed item, the centroid of the others).</summary>
    /// <param name="classIndex">The class index, 0 to K-1.</param>
    /// <returns>The similarity, from -1 to 1.</returns>
    /// <exception cref="KeyNotFoundException">The run has no seed example of that class, or this value holds no scores.</exception>
    public double Prototype(int classIndex) => Table.Prototype(classIndex, _row);

    /// <summary>Creates concept scores from given values, for unit tests of a concept program and for hosts that compute scores themselves.</summary>
    /// <param name="phrases">The score of each phrase.</param>
    /// <param name="prototypes">The score of each class's prototype, by class index; none when <see langword="null"/>.</param>
    /// <returns>The scores of one item.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="phrases"/> is <see langword="null"/>, or holds a <see langword="null"/> phrase.</exception>
    public static Concepts FromScores(IReadOnlyDictionary<string, double> phrases, IReadOnlyList<double>? prototypes = null)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var names = new List<string>(phrases.Count);
        var columns = new List<float[]>(phrases.Count);
        foreach (KeyValuePair<string, double> pair in phrases)
        {
            names.Add(pair.Key ?? throw new ArgumentNullException(nameof(phrases), "A phrase is null."));
            columns.Add([(float)pair.Value]);
        }

        float[][] prototypeColumns = [.. (prototypes ?? []).Select(p => new[] { (float)p })];
        return new Concepts(ConceptTable.Create(1, names, columns, prototypeColumns), 0);
    }

    /// <inheritdoc />
    public override string ToString() => _table is null
        ? "no concept scores"
        : string.Create(CultureInfo.InvariantCulture, $"{_table.Phrases.Count} phrases, {_table.PrototypeCount} prototypes");

    private ConceptTable Table => _table ?? throw new ConceptNotEmbeddedException(
        "These concept scores are empty: the program was called without the run's concept scores. Run concept programs through a LabelingPipeline with an embedding generator, or pass Concepts.FromScores(...).");
}
