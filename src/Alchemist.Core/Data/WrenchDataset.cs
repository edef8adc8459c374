using System.Globalization;
using System.Text.Json;

namespace Alchemist;

/// <summary>Represents a dataset in the format of the WRENCH weak-supervision benchmark: train, valid and test splits with gold labels and the benchmark's own votes.</summary>
/// <remarks>
/// <para>
/// A WRENCH folder holds <c>label.json</c> (class index to name) and <c>train.json</c>, <c>valid.json</c>,
/// <c>test.json</c>, each an object from item id to <c>{"label": int, "weak_labels": [int, ...], "data": {"text": "..."}}</c>,
/// where a weak label of -1 is an abstain. The valid and test splits are optional. A malformed file raises a
/// <see cref="DataFormatException"/> naming the file, the record and the field.
/// </para>
/// </remarks>
public sealed class WrenchDataset
{
    private WrenchDataset(string name, LabelingTask task, WrenchSplit train, WrenchSplit? valid, WrenchSplit? test)
    {
        Name = name;
        Task = task;
        Train = train;
        Valid = valid;
        Test = test;
    }

    /// <summary>Gets the name of the dataset: the folder name, unless given.</summary>
    public string Name { get; }

    /// <summary>Gets the labeling task: the dataset name, a description, and the class names of <c>label.json</c>.</summary>
    public LabelingTask Task { get; }

    /// <summary>Gets the train split.</summary>
    public WrenchSplit Train { get; }

    /// <summary>Gets the valid (dev) split, or <see langword="null"/> when the folder has none.</summary>
    public WrenchSplit? Valid { get; }

    /// <summary>Gets the test split, or <see langword="null"/> when the folder has none.</summary>
    public WrenchSplit? Test { get; }

    /// <summary>Loads a WRENCH-format dataset from a folder.</summary>
    /// <param name="directory">The folder holding <c>label.json</c> and the split files.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>label.json</c> or <c>train.json</c> is missing.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static WrenchDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"The dataset folder '{directory}' does not exist.");
        }

        string name = new DirectoryInfo(full).Name;
        return Load(name, file =>
        {
            string path = Path.Combine(full, file);
            return File.Exists(path) ? File.OpenRead(path) : null;
        }, displayRoot: directory);
    }

    /// <summary>Loads a WRENCH-format dataset from any store, such as embedded resources.</summary>
    /// <param name="name">The name of the dataset.</param>
    /// <param name="openFile">Opens a file by name (<c>label.json</c>, <c>train.json</c>, ...), or returns <see langword="null"/> when it does not exist. Streams are disposed after reading.</param>
    /// <param name="displayRoot">A prefix for file names in error messages, or <see langword="null"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="openFile"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException"><c>label.json</c> or <c>train.json</c> is missing.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static WrenchDataset Load(string name, Func<string, Stream?> openFile, string? displayRoot = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(openFile);
        string Display(string file) => displayRoot is null ? file : Path.Combine(displayRoot, file);

        string[] classNames = ReadClassNames(openFile, Display("label.json"));
        string description = ReadDescription(openFile, name, classNames);
        var task = new LabelingTask(name, description, classNames);

        int? functionCount = null;
        WrenchSplit train = ReadSplit(openFile, "train", Display, classNames.Length, ref functionCount)
            ?? throw new FileNotFoundException($"The dataset '{name}' has no train.json.", Display("train.json"));
        WrenchSplit? valid = ReadSplit(openFile, "valid", Display, classNames.Length, ref functionCount);
        WrenchSplit? test = ReadSplit(openFile, "test", Display, classNames.Length, ref functionCount);
        return new WrenchDataset(name, task, train, valid, test);
    }

    private static string[] ReadClassNames(Func<string, Stream?> openFile, string display)
    {
        using Stream stream = openFile("label.json") ?? throw new FileNotFoundException($"The dataset has no label.json naming its classes.", display);
        using JsonDocument document = Parse(stream, display);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new DataFormatException(display, null, null, "must be an object from class index to class name, such as {\"0\": \"ham\", \"1\": \"spam\"}.");
        }

        var names = new SortedDictionary<int, string>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                throw new DataFormatException(display, null, property.Name, "is not a class index; keys must be 0, 1, 2, ...");
            }

            if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(property.Value.GetString()))
            {
                throw new DataFormatException(display, null, property.Name, "must be a non-empty class name.");
            }

            names[index] = property.Value.GetString()!;
        }

        if (names.Count < 2 || names.Keys.Last() != names.Count - 1)
        {
            throw new DataFormatException(display, null, null, $"must name at least two classes with indices 0..K-1 and no gaps; it has {names.Count} with indices {string.Join(", ", names.Keys)}.");
        }

        if (names.Count > Label.MaxClassCount)
        {
            throw new DataFormatException(display, null, null, $"names {names.Count} classes; at most {Label.MaxClassCount} are supported.");
        }

        return [.. names.Values];
    }

    private static string ReadDescription(Func<string, Stream?> openFile, string name, string[] classNames)
    {
        string fallback = $"Classify each item of the '{name}' dataset as one of: {string.Join(", ", classNames)}.";
        using Stream? stream = openFile("readme.txt");
        if (stream is null)
        {
            return fallback;
        }

        using var reader = new StreamReader(stream);
        string? first = reader.ReadLine()?.Trim();
        return string.IsNullOrEmpty(first) ? fallback : $"{first}. {fallback}";
    }

    private static WrenchSplit? ReadSplit(Func<string, Stream?> openFile, string split, Func<string, string> display, int classCount, ref int? functionCount)
    {
        string file = display(split + ".json");
        using Stream? stream = openFile(split + ".json");
        if (stream is null)
        {
            return null;
        }

        // Streamed record by record: a whole-document parse of a million-item split holds the file and its document at once.
        var reader = new WrenchSplitReader(file, classCount);
        reader.Read(stream, ref functionCount);
        int m = functionCount ?? 0;
        LabelMatrix matrix = LabelMatrix.Wrap(reader.Ids.Count, m, classCount, [.. reader.Votes], null);
        return new WrenchSplit(split, reader.Ids, reader.Texts, reader.Gold, matrix);
    }

    private static JsonDocument Parse(Stream stream, string file)
    {
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(file, ex.LineNumber is long line ? $"at line {line + 1}" : null, null, $"is not valid JSON: {ex.Message}", ex);
        }
    }
}
