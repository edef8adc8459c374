using System.Text;
using System.Text.Json;

namespace Alchemist;

/// <summary>
/// Reads one WRENCH split file record by record from a stream, holding one buffer of the file (at least one record)
/// rather than the whole file and its parsed document: a million-item <c>train.json</c> of 183 MB is read in a few
/// megabytes beside the items it yields.
/// </summary>
/// <remarks>
/// The checks and their messages are those of a whole-document read: the file must be an object from item id to
/// <c>{"label", "weak_labels", "data"}</c>, each record is validated field by field in that order, and malformed JSON
/// raises a <see cref="DataFormatException"/> saying "is not valid JSON" with the reader's line.
/// </remarks>
internal sealed class WrenchSplitReader
{
    private const int InitialBufferSize = 1 << 20;

    private readonly string _file;
    private readonly int _classCount;
    private readonly List<int> _recordVotes = [];

    public WrenchSplitReader(string file, int classCount)
    {
        _file = file;
        _classCount = classCount;
    }

    /// <summary>Gets the ids read, in file order.</summary>
    public List<string> Ids { get; } = [];

    /// <summary>Gets the texts read (<c>data.text</c>, or <see langword="null"/>).</summary>
    public List<string?> Texts { get; } = [];

    /// <summary>Gets the gold labels read.</summary>
    public List<int> Gold { get; } = [];

    /// <summary>Gets the votes read, row after row.</summary>
    public List<sbyte> Votes { get; } = [];

    /// <summary>Reads every record of <paramref name="stream"/>.</summary>
    /// <param name="stream">The split file.</param>
    /// <param name="functionCount">The number of votes per record, set by the first record read when unknown.</param>
    public void Read(Stream stream, ref int? functionCount)
    {
        byte[] buffer = new byte[InitialBufferSize];
        int length = 0;
        bool final = false;
        bool started = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 });
        while (true)
        {
            if (!final && length < buffer.Length)
            {
                int read = stream.Read(buffer, length, buffer.Length - length);
                length += read;
                final = read == 0;
                if (!final)
                {
                    continue;
                }
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
            bool done = ReadRecords(ref reader, buffer.AsSpan(0, length), ref started, ref functionCount);
            if (done)
            {
                return;
            }

            int consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            if (final)
            {
                // The file ended inside a record: the reader, told it is the final block, has thrown already; this is a
                // safety net for a file that ends between records without closing the object.
                throw Invalid("The file ends before the object is closed.", null);
            }

            if (consumed == 0 && length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            else
            {
                Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                length -= consumed;
            }
        }
    }

    /// <summary>Reads whole records from the reader until its data runs out (false: read more) or the object ends (true).</summary>
    private bool ReadRecords(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref bool started, ref int? functionCount)
    {
        try
        {
            if (!started)
            {
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new DataFormatException(_file, null, null, "must be an object from item id to {\"label\", \"weak_labels\", \"data\"}.");
                }

                started = true;
            }

            while (true)
            {
                // Each record is read on a copy, committed only when it was read whole.
                Utf8JsonReader attempt = reader;
                if (!attempt.Read())
                {
                    return false;
                }

                if (attempt.TokenType == JsonTokenType.EndObject)
                {
                    reader = attempt;
                    return true;
                }

                string id = attempt.GetString()!;
                if (!TryReadRecord(ref attempt, data, id, ref functionCount))
                {
                    return false;
                }

                reader = attempt;
            }
        }
        catch (JsonException ex)
        {
            throw Invalid(ex.Message, ex);
        }
    }

    private bool TryReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, string id, ref int? functionCount)
    {
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (!reader.TrySkip())
            {
                return false;
            }

            throw new DataFormatException(_file, id, null, "must be an object with 'label', 'weak_labels' and 'data'.");
        }

        int? gold = null;
        bool labelSeen = false;
        bool weakIsArray = false;
        string? badVote = null;
        int badVoteIndex = -1;
        int voteCount = 0;
        string? text = null;
        bool textNotString = false;
        _recordVotes.Clear();
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            // Compared in place (no string per field and record): a million records have four fields each.
            Field field = reader.ValueTextEquals("label"u8) ? Field.Label
                : reader.ValueTextEquals("weak_labels"u8) ? Field.WeakLabels
                : reader.ValueTextEquals("data"u8) ? Field.Data
                : Field.Other;
            if (!reader.Read())
            {
                return false;
            }

            switch (field)
            {
                case Field.Label:
                    labelSeen = true;
                    gold = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int g) ? g : null;
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    break;
                case Field.WeakLabels:
                    weakIsArray = reader.TokenType == JsonTokenType.StartArray;
                    _recordVotes.Clear();
                    badVote = null;
                    if (!weakIsArray ? !reader.TrySkip() : !TryReadVotes(ref reader, data, ref voteCount, ref badVote, ref badVoteIndex))
                    {
                        return false;
                    }

                    break;
                case Field.Data when reader.TokenType == JsonTokenType.StartObject:
                    text = null;
                    textNotString = false;
                    if (!TryReadData(ref reader, ref text, ref textNotString))
                    {
                        return false;
                    }

                    break;
                default:
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    break;
            }
        }

        if (!labelSeen || gold is not int goldLabel || !Label.IsClass(goldLabel, _classCount))
        {
            throw new DataFormatException(_file, id, "label", $"must be a class index in 0..{_classCount - 1}.");
        }

        if (!weakIsArray)
        {
            throw new DataFormatException(_file, id, "weak_labels", "must be an array of votes (-1 for abstain).");
        }

        functionCount ??= voteCount;
        if (voteCount != functionCount)
        {
            throw new DataFormatException(_file, id, "weak_labels", $"has {voteCount} votes; the records before it have {functionCount}.");
        }

        if (badVote is not null)
        {
            throw new DataFormatException(_file, id, $"weak_labels[{badVoteIndex}]", $"is {badVote}; a vote must be -1 or a class index in 0..{_classCount - 1}.");
        }

        if (textNotString)
        {
            throw new DataFormatException(_file, id, "data.text", "must be a string.");
        }

        foreach (int vote in _recordVotes)
        {
            Votes.Add((sbyte)vote);
        }

        Ids.Add(id);
        Texts.Add(text);
        Gold.Add(goldLabel);
        return true;
    }

    private bool TryReadVotes(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref int j, ref string? badVote, ref int badVoteIndex)
    {
        j = 0;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            int start = (int)reader.TokenStartIndex;
            bool valid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int v) && v >= Label.Abstain && v < _classCount;
            if (!reader.TrySkip())
            {
                return false;
            }

            if (valid)
            {
                _recordVotes.Add(reader.GetInt32());
            }
            else if (badVote is null)
            {
                badVote = Encoding.UTF8.GetString(data[start..(int)reader.BytesConsumed]);
                badVoteIndex = j;
            }

            j++;
        }
    }

    private static bool TryReadData(ref Utf8JsonReader reader, ref string? text, ref bool textNotString)
    {
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            bool isText = reader.ValueTextEquals("text"u8);
            if (!reader.Read())
            {
                return false;
            }

            if (isText)
            {
                textNotString = reader.TokenType != JsonTokenType.String;
                text = textNotString ? null : reader.GetString();
            }

            if (!reader.TrySkip())
            {
                return false;
            }
        }
    }

    /// <summary>The fields of a record that are read.</summary>
    private enum Field
    {
        Other,
        Label,
        WeakLabels,
        Data,
    }

    private DataFormatException Invalid(string message, JsonException? ex) =>
        new(_file, ex?.LineNumber is long line ? $"at line {line + 1}" : null, null, $"is not valid JSON: {message}", ex);
}
