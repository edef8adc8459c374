using System.Buffers.Binary;

namespace Alchemist;

/// <summary>
/// How concept scores travel to sandbox worker processes: a compiled concept program's phrases come back with its
/// image and go out with it when it is loaded, and each apply request carries, beside the items of its slice, their rows
/// of the run's concept table (every phrase embedded so far and every class prototype).
/// </summary>
internal static class WorkerConcepts
{
    /// <summary>The most columns a request may carry.</summary>
    private const int MaxColumns = 1 << 16;

    /// <summary>Writes a program's phrases: -1 for a program that does not take concept scores, else the count and the phrases.</summary>
    public static void WritePhrases(PayloadWriter writer, IReadOnlyList<string>? phrases)
    {
        writer.WriteInt32(phrases?.Count ?? -1);
        foreach (string phrase in phrases ?? [])
        {
            writer.WriteString(phrase);
        }
    }

    /// <summary>Reads what <see cref="WritePhrases"/> wrote.</summary>
    /// <exception cref="WorkerProtocolException">The count or a phrase is out of bounds.</exception>
    public static IReadOnlyList<string>? ReadPhrases(PayloadReader reader)
    {
        int count = reader.ReadInt32();
        if (count == -1)
        {
            return null;
        }

        if (count < 0 || count > ConceptPhraseCollector.MaxPhrases)
        {
            throw new WorkerProtocolException($"A program announced {count} concept phrases, outside 0..{ConceptPhraseCollector.MaxPhrases}.");
        }

        var phrases = new string[count];
        for (int i = 0; i < count; i++)
        {
            phrases[i] = reader.ReadRequiredString();
        }

        return phrases;
    }

    /// <summary>Encodes the concept rows of <c>items[start..start+count)</c>; <see langword="null"/> when the run has no concept scores.</summary>
    public static PayloadWriter? WriteRows<TItem>(ConceptScores<TItem>? scores, IReadOnlyList<TItem> items, int start, int count)
    {
        if (scores is null)
        {
            return null;
        }

        ConceptTable table = scores.Table;
        float[]?[] columns = [.. table.Phrases.Select(p => table.Column(p))];
        IReadOnlyList<float[]?> prototypes = table.PrototypeColumns;
        int present = prototypes.Count(p => p is not null);
        var writer = new PayloadWriter(64 + (count * (1 + (4 * (columns.Length + present)))) + table.Phrases.Sum(p => 4 + (2 * p.Length)));
        writer.WriteInt32(columns.Length);
        writer.WriteInt32(prototypes.Count);
        foreach (string phrase in table.Phrases)
        {
            writer.WriteString(phrase);
        }

        foreach (float[]? prototype in prototypes)
        {
            writer.WriteBool(prototype is not null);
        }

        // An item's row is in the run's table, or (a streamed run) in the table of the block being read, whose
        // columns are the same phrases and prototypes; each table's columns are looked up once per request.
        ConceptTable? last = null;
        float[]?[] lastColumns = columns;
        IReadOnlyList<float[]?> lastPrototypes = prototypes;
        for (int i = 0; i < count; i++)
        {
            bool found = scores.TryGetScores(items[start + i], out ConceptTable? rowTable, out int row);
            float[]?[] rowColumns = columns;
            IReadOnlyList<float[]?> rowPrototypes = prototypes;
            if (found && !ReferenceEquals(rowTable, table))
            {
                if (!ReferenceEquals(rowTable, last))
                {
                    last = rowTable;
                    lastColumns = [.. table.Phrases.Select(p => rowTable!.Column(p))];
                    lastPrototypes = rowTable!.PrototypeColumns;
                }

                (rowColumns, rowPrototypes) = (lastColumns, lastPrototypes);
            }

            found &= Array.TrueForAll(rowColumns, c => c is not null) && rowPrototypes.Count == prototypes.Count;
            writer.WriteBool(found);
            if (!found)
            {
                continue;
            }

            Span<byte> values = writer.Take(4 * (columns.Length + present));
            int at = 0;
            foreach (float[]? column in rowColumns)
            {
                BinaryPrimitives.WriteSingleLittleEndian(values[at..], column![row]);
                at += 4;
            }

            foreach (float[]? prototype in rowPrototypes)
            {
                if (prototype is not null)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(values[at..], prototype[row]);
                    at += 4;
                }
            }
        }

        return writer;
    }

    /// <summary>Reads the concept rows of a request's <paramref name="count"/> items; <see langword="null"/> when it carries none.</summary>
    /// <exception cref="WorkerProtocolException">A count is out of bounds or the rows are cut short.</exception>
    public static ConceptRows? ReadTable(PayloadReader reader, int count)
    {
        int phraseCount = reader.ReadInt32();
        if (phraseCount == -1)
        {
            return null;
        }

        if (phraseCount < 0 || phraseCount > MaxColumns)
        {
            throw new WorkerProtocolException($"A request announced {phraseCount} concept phrases, outside 0..{MaxColumns}.");
        }

        int prototypeCount = reader.ReadCount(MaxColumns);
        var phrases = new string[phraseCount];
        for (int p = 0; p < phraseCount; p++)
        {
            phrases[p] = reader.ReadRequiredString();
        }

        var present = new bool[prototypeCount];
        for (int k = 0; k < prototypeCount; k++)
        {
            present[k] = reader.ReadBool();
        }

        float[][] columns = [.. Enumerable.Range(0, phraseCount).Select(_ => new float[count])];
        float[]?[] prototypes = [.. present.Select(p => p ? new float[count] : null)];
        var found = new bool[count];
        for (int i = 0; i < count; i++)
        {
            found[i] = reader.ReadBool();
            if (!found[i])
            {
                continue;
            }

            foreach (float[] column in columns)
            {
                column[i] = BinaryPrimitives.ReadSingleLittleEndian(reader.ReadRaw(4));
            }

            foreach (float[]? prototype in prototypes)
            {
                if (prototype is not null)
                {
                    prototype[i] = BinaryPrimitives.ReadSingleLittleEndian(reader.ReadRaw(4));
                }
            }
        }

        return new ConceptRows(ConceptTable.Create(count, phrases, columns, prototypes), found);
    }

    /// <summary>Gets the scores of a request's item: none (every lookup faults) when the request carries none or the run did not embed the item.</summary>
    public static Concepts Row(ConceptRows? rows, int item) =>
        rows is not null && rows.Found[item] ? new Concepts(rows.Table, item) : default;
}

/// <summary>The concept rows of one apply request.</summary>
/// <param name="Table">The table, one row per item of the request.</param>
/// <param name="Found">Whether the run embedded each item.</param>
internal sealed record ConceptRows(ConceptTable Table, bool[] Found);
