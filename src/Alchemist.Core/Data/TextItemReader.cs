using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Alchemist;

/// <summary>Reads text items from CSV and JSON Lines files, streaming, with errors that name the file, the record and the field.</summary>
public static class TextItemReader
{
    /// <summary>Reads the items of a CSV file with a header row (RFC 4180: quoted fields may hold commas, quotes and line breaks).</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Which columns to read; the defaults when <see langword="null"/>.</param>
    /// <returns>The items, read lazily; enumerate once.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is malformed (thrown while enumerating).</exception>
    public static IEnumerable<TextItem> ReadCsv(string path, TextItemFileOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The item file '{path}' does not exist.", path);
        }

        return ReadCsvCore(path, options ?? new TextItemFileOptions());
    }

    /// <summary>Reads the items of a JSON Lines file: one JSON object per line; blank lines are skipped.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Which fields to read; the defaults when <see langword="null"/>.</param>
    /// <returns>The items, read lazily; enumerate once.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is malformed (thrown while enumerating).</exception>
    public static IEnumerable<TextItem> ReadJsonLines(string path, TextItemFileOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The item file '{path}' does not exist.", path);
        }

        return ReadJsonLinesCore(path, options ?? new TextItemFileOptions());
    }

    private static IEnumerable<TextItem> ReadCsvCore(string path, TextItemFileOptions options)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        int line = 1;
        List<string>? header = ReadCsvRecord(reader, path, ref line);
        if (header is null)
        {
            yield break;
        }

        int textColumn = header.IndexOf(options.TextField);
        if (textColumn < 0)
        {
            throw new DataFormatException(path, "1 (header)", options.TextField, $"is not a column; the columns are: {string.Join(", ", header)}.");
        }

        int idColumn = options.IdField is null ? -1 : header.IndexOf(options.IdField);
        if (options.RequireId && options.IdField is not null && idColumn < 0)
        {
            throw new DataFormatException(path, "1 (header)", options.IdField, $"is not a column; the columns are: {string.Join(", ", header)}.");
        }

        int labelColumn = options.LabelField is null ? -1 : header.IndexOf(options.LabelField);
        if (options.RequireLabel && labelColumn < 0)
        {
            throw new DataFormatException(path, "1 (header)", options.LabelField, $"is not a column, and every record of this file needs a label; the columns are: {string.Join(", ", header)}.");
        }

        int number = 0;
        while (true)
        {
            int recordLine = line;
            List<string>? fields = ReadCsvRecord(reader, path, ref line);
            if (fields is null)
            {
                yield break;
            }

            number++;
            string record = $"{number} (line {recordLine})";
            if (fields.Count != header.Count)
            {
                throw new DataFormatException(path, record, null, $"has {fields.Count} fields; the header has {header.Count}.");
            }

            string id = idColumn >= 0 ? fields[idColumn] : number.ToString(CultureInfo.InvariantCulture);
            if (options.RequireId && idColumn >= 0 && id.Length == 0)
            {
                throw MissingId(path, record, options);
            }

            int? label = labelColumn >= 0 ? ParseLabel(fields[labelColumn], path, record, options) : null;
            yield return new TextItem(id, fields[textColumn], Required(label, path, record, options));
        }
    }

    private static List<string>? ReadCsvRecord(StreamReader reader, string path, ref int line)
    {
        if (reader.Peek() < 0)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int startLine = line;
        while (true)
        {
            int c = reader.Read();
            if (c < 0)
            {
                if (quoted)
                {
                    throw new DataFormatException(path, $"at line {startLine}", null, "has a quoted field that is never closed.");
                }

                fields.Add(field.ToString());
                return fields;
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    line++;
                    fields.Add(field.ToString());
                    return fields;
                default:
                    field.Append((char)c);
                    break;
            }
        }
    }

    private static IEnumerable<TextItem> ReadJsonLinesCore(string path, TextItemFileOptions options)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        int line = 0;
        int number = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            number++;
            string record = $"{number} (line {line})";
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new DataFormatException(path, record, null, $"is not valid JSON: {ex.Message}", ex);
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new DataFormatException(path, record, null, "must be a JSON object.");
                }

                if (!root.TryGetProperty(options.TextField, out JsonElement textElement) || textElement.ValueKind != JsonValueKind.String)
                {
                    throw new DataFormatException(path, record, options.TextField, "must be present and a string.");
                }

                string id = number.ToString(CultureInfo.InvariantCulture);
                if (options.IdField is not null && root.TryGetProperty(options.IdField, out JsonElement idElement))
                {
                    id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText();
                }

                if (options.RequireId && options.IdField is not null &&
                    (!root.TryGetProperty(options.IdField, out JsonElement given) || given.ValueKind == JsonValueKind.Null || (given.ValueKind == JsonValueKind.String && given.GetString()!.Length == 0)))
                {
                    throw MissingId(path, record, options);
                }

                int? label = null;
                if (options.LabelField is not null && root.TryGetProperty(options.LabelField, out JsonElement labelElement) &&
                    labelElement.ValueKind != JsonValueKind.Null)
                {
                    label = ParseLabel(labelElement.ValueKind == JsonValueKind.String ? labelElement.GetString()! : labelElement.GetRawText(), path, record, options);
                }

                yield return new TextItem(id, textElement.GetString()!, Required(label, path, record, options));
            }
        }
    }

    private static DataFormatException MissingId(string path, string record, TextItemFileOptions options) =>
        new(path, record, options.IdField, "is empty or missing, and every record of this file needs an id.");

    private static int? Required(int? label, string path, string record, TextItemFileOptions options) =>
        label is null && options.RequireLabel
            ? throw new DataFormatException(path, record, options.LabelField, "is empty or missing, and every record of this file needs a label.")
            : label;

    private static int? ParseLabel(string value, string path, string record, TextItemFileOptions options)
    {
        value = value.Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int index))
        {
            if (index < 0 || (options.ClassNames is not null && index >= options.ClassNames.Count))
            {
                throw new DataFormatException(path, record, options.LabelField, $"is {index}; a label must be a class index{(options.ClassNames is null ? string.Empty : $" in 0..{options.ClassNames.Count - 1}")}.");
            }

            return index;
        }

        if (options.ClassNames is not null)
        {
            for (int c = 0; c < options.ClassNames.Count; c++)
            {
                if (string.Equals(options.ClassNames[c], value, StringComparison.OrdinalIgnoreCase))
                {
                    return c;
                }
            }
        }

        throw new DataFormatException(path, record, options.LabelField, $"is '{value}', which is neither a class index nor a class name{(options.ClassNames is null ? string.Empty : $" ({string.Join(", ", options.ClassNames)})")}.");
    }
}
