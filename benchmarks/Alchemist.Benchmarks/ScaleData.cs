using System.Globalization;
using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Benchmarks;

/// <summary>
/// Writes the scale benchmark's datasets (issue #15, docs/scale.md): a WRENCH dataset's train texts repeated to N items,
/// as a WRENCH folder (the original label.json, valid.json and test.json beside the long train.json, each repeated row
/// with its source's gold label and weak labels) or as JSON Lines for <c>alchemist run --input</c> (the dev rows first,
/// labeled, then the N unlabeled rows; the test split as a labeled file of its own). Streams: memory does not grow with N.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- scale generate --items 1000000 --out DIR
/// [--dataset youtube] [--format wrench|jsonl]</c>.
/// </remarks>
internal static class ScaleData
{
    public static void Run(string[] args)
    {
        if (args is not ["generate", .. var rest])
        {
            throw new ArgumentException("Usage: scale generate --items N --out DIR [--dataset youtube] [--format wrench|jsonl]");
        }

        Dictionary<string, string> options = [];
        for (int i = 0; i + 1 < rest.Length; i += 2)
        {
            options[rest[i].TrimStart('-')] = rest[i + 1];
        }

        int items = int.Parse(options.GetValueOrDefault("items") ?? throw new ArgumentException("--items N is required."), CultureInfo.InvariantCulture);
        string output = options.GetValueOrDefault("out") ?? throw new ArgumentException("--out DIR is required.");
        string name = options.GetValueOrDefault("dataset", "youtube");
        string format = options.GetValueOrDefault("format", "wrench");
        if (items < 1)
        {
            throw new ArgumentException($"--items is {items}; give at least 1.");
        }

        string source = TestData.DatasetPath(name);
        Directory.CreateDirectory(output);
        WrenchDataset dataset = WrenchDataset.Load(source);
        switch (format)
        {
            case "wrench":
                WriteWrench(source, dataset, items, output);
                break;
            case "jsonl":
                WriteJsonLines(dataset, items, output);
                break;
            default:
                throw new ArgumentException($"--format is '{format}'; use wrench or jsonl.");
        }

        Console.WriteLine($"wrote {items:N0} items of {name} ({dataset.Train.Count:N0} texts repeated) as {format} to {output}");
    }

    private static void WriteWrench(string source, WrenchDataset dataset, int items, string output)
    {
        foreach (string file in new[] { "label.json", "valid.json", "test.json", "readme.txt", "ATTRIBUTION.md" })
        {
            string from = Path.Combine(source, file);
            if (File.Exists(from))
            {
                File.Copy(from, Path.Combine(output, file), overwrite: true);
            }
        }

        // The source rows as written (text, gold label, weak labels), repeated under new keys.
        using JsonDocument train = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(source, "train.json")));
        JsonElement[] rows = [.. train.RootElement.EnumerateObject().Select(p => p.Value)];
        using FileStream stream = File.Create(Path.Combine(output, "train.json"));
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        for (int i = 0; i < items; i++)
        {
            writer.WritePropertyName(i.ToString(CultureInfo.InvariantCulture));
            rows[i % rows.Length].WriteTo(writer);
            if (writer.BytesPending > 1 << 20)
            {
                writer.Flush();
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteJsonLines(WrenchDataset dataset, int items, string output)
    {
        string[] classes = [.. dataset.Task.ClassNames];
        using (var writer = new StreamWriter(Path.Combine(output, "items.jsonl")))
        {
            WrenchSplit valid = dataset.Valid ?? throw new InvalidOperationException("The dataset has no valid split for seed labels.");
            for (int i = 0; i < valid.Count; i++)
            {
                writer.WriteLine(JsonSerializer.Serialize(new { id = "valid-" + valid.Ids[i], text = valid.Texts[i], label = classes[valid.GoldLabels[i]] }));
            }

            for (int i = 0; i < items; i++)
            {
                writer.WriteLine(JsonSerializer.Serialize(new { id = i.ToString(CultureInfo.InvariantCulture), text = dataset.Train.Texts[i % dataset.Train.Count] }));
            }
        }

        WrenchSplit test = dataset.Test ?? throw new InvalidOperationException("The dataset has no test split.");
        using var testWriter = new StreamWriter(Path.Combine(output, "test.jsonl"));
        for (int i = 0; i < test.Count; i++)
        {
            testWriter.WriteLine(JsonSerializer.Serialize(new { id = "test-" + test.Ids[i], text = test.Texts[i], label = classes[test.GoldLabels[i]] }));
        }

        File.WriteAllText(Path.Combine(output, "classes.txt"), string.Join(',', classes) + "\n");
    }
}
