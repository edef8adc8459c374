using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Alchemist;

/// <summary>Reads and writes chat transcripts: JSON Lines files with one recorded exchange per line.</summary>
/// <remarks>
/// Each line is an object: <c>{"reply": "...", "inputTokens": n, "outputTokens": n}</c>, optionally with
/// <c>"model"</c> and <c>"promptHash"</c>. Only <c>reply</c> is required; unknown fields are ignored and blank lines
/// skipped. <see cref="RecordingChatClient"/> writes this format and <see cref="ReplayChatClient"/> reads it.
/// </remarks>
public static class ChatTranscript
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads a transcript file.</summary>
    /// <param name="path">The path of the JSON Lines file.</param>
    /// <returns>The exchanges, in file order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line is not a valid exchange; the message names the line and field.</exception>
    public static IReadOnlyList<RecordedExchange> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The chat transcript '{path}' does not exist. Give the JSON Lines file a recorded run wrote (transcript.jsonl).", path);
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    /// <summary>Reads a transcript.</summary>
    /// <param name="reader">The JSON Lines text.</param>
    /// <param name="source">The name of the source, for error messages.</param>
    /// <returns>The exchanges, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="DataFormatException">A line is not a valid exchange; the message names the line and field.</exception>
    public static IReadOnlyList<RecordedExchange> Read(TextReader reader, string source = "transcript")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var exchanges = new List<RecordedExchange>();
        int lineNumber = 0;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                exchanges.Add(ParseLine(line, source, lineNumber));
            }
        }

        return exchanges;
    }

    /// <summary>Formats an exchange as one line of a transcript, without the line break.</summary>
    /// <param name="exchange">The exchange.</param>
    /// <returns>A single-line JSON object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exchange"/> is <see langword="null"/>.</exception>
    public static string FormatLine(RecordedExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("reply", exchange.Reply);
            if (exchange.InputTokens is long input)
            {
                writer.WriteNumber("inputTokens", input);
            }

            if (exchange.OutputTokens is long output)
            {
                writer.WriteNumber("outputTokens", output);
            }

            if (exchange.ModelId is not null)
            {
                writer.WriteString("model", exchange.ModelId);
            }

            if (exchange.PromptHash is not null)
            {
                writer.WriteString("promptHash", exchange.PromptHash);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static RecordedExchange ParseLine(string line, string source, int lineNumber)
    {
        string record = $"line {lineNumber}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(source, record, null, $"The line is not valid JSON ({ex.Message}); each line must be one object such as {{\"reply\": \"...\", \"inputTokens\": 10, \"outputTokens\": 20}}.", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(source, record, null, $"The line is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object; each line must be one object with a \"reply\".");
            }

            if (!root.TryGetProperty("reply", out JsonElement reply) || reply.ValueKind != JsonValueKind.String)
            {
                throw new DataFormatException(source, record, "reply", "The object has no \"reply\" string; give the text of the recorded reply.");
            }

            return new RecordedExchange(reply.GetString()!, ReadCount(root, "inputTokens", source, record), ReadCount(root, "outputTokens", source, record))
            {
                ModelId = ReadString(root, "model", source, record),
                PromptHash = ReadString(root, "promptHash", source, record),
            };
        }
    }

    private static long? ReadCount(JsonElement root, string field, string source, string record)
    {
        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long count) || count < 0)
        {
            throw new DataFormatException(source, record, field, $"The value {value.GetRawText()} is not a token count; give a whole number of 0 or more, or leave the field out.");
        }

        return count;
    }

    private static string? ReadString(JsonElement root, string field, string source, string record)
    {
        if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new DataFormatException(source, record, field, $"The value {value.GetRawText()} is not a string.");
    }
}
