namespace Alchemist.Cli.Commands;

/// <summary>
/// What <c>alchemist run</c> labels, whichever way it was given: a WRENCH folder (<c>--data</c>: train is labeled, valid
/// gives the seed labels, test is scored) or the user's own file (<c>--input</c>: labeled rows are the seed labels, the
/// rest are labeled; <c>--test-input</c> is scored).
/// </summary>
/// <param name="Name">The name shown in reports.</param>
/// <param name="Task">The task.</param>
/// <param name="Items">The texts to label.</param>
/// <param name="ItemIds">The id of each item, written beside its label in labels.jsonl.</param>
/// <param name="Seed">The labeled seed items, all of them (before <c>--seed-labels</c>).</param>
/// <param name="Test">The labeled items only scored, or <see langword="null"/>.</param>
internal sealed record RunData(
    string Name, LabelingTask Task, IReadOnlyList<string> Items, IReadOnlyList<string> ItemIds, LabeledExample<string>[] Seed, LabeledExample<string>[]? Test)
{
    /// <summary>Gets where the seed labels come from, for messages: "valid.json", or the input's label field.</summary>
    public string SeedSource { get; init; } = "valid.json";

    /// <summary>Gets the source the items are read from in a streamed run, or <see langword="null"/> when they are held in <see cref="Items"/> (then <see cref="Items"/> and <see cref="ItemIds"/> are empty).</summary>
    public IItemSource<string>? Source { get; init; }

    /// <summary>
    /// Takes a WRENCH folder's train split as a source read as the run goes (never held), valid as seed labels and test
    /// (when it has texts) as the scored split: what <see cref="FromWrench"/> gives, without holding the items. A train
    /// record without a text is refused while the run reads it.
    /// </summary>
    public static RunData FromWrenchStreamed(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"The dataset folder '{directory}' does not exist. Give a WRENCH-format folder (label.json, train.json, valid.json, test.json), or leave out --data for the embedded YouTube dataset.");
        }

        string train = Path.Combine(directory, "train.json");
        if (!File.Exists(train))
        {
            throw new FileNotFoundException($"The dataset '{new DirectoryInfo(Path.GetFullPath(directory)).Name}' has no train.json.", train);
        }

        // Every file but train.json is read as usual; train.json is read as the run goes.
        WrenchDataset dataset = WrenchDataset.Load(new DirectoryInfo(Path.GetFullPath(directory)).Name, file =>
        {
            string path = Path.Combine(directory, file);
            return file == "train.json" ? new MemoryStream("{}"u8.ToArray()) : File.Exists(path) ? File.OpenRead(path) : null;
        }, displayRoot: directory);
        RunData held = FromWrench(dataset, requireTrainTexts: false);
        return held with { Source = ItemSource.FromWrenchSplit(train, dataset.Task.ClassCount) };
    }

    /// <summary>Takes the dataset's train split as items, valid as seed labels and test (when it has texts) as the scored split.</summary>
    public static RunData FromWrench(WrenchDataset dataset) => FromWrench(dataset, requireTrainTexts: true);

    private static RunData FromWrench(WrenchDataset dataset, bool requireTrainTexts)
    {
        if (requireTrainTexts && !dataset.Train.HasText)
        {
            throw new UsageException($"The dataset '{dataset.Name}' has no item texts in train.json; programs need texts to run on.");
        }

        if (dataset.Valid is not { HasText: true } valid)
        {
            throw new UsageException($"The dataset '{dataset.Name}' has no valid.json with texts; the run needs labeled seed items from it.");
        }

        LabeledExample<string>[]? test = dataset.Test is { HasText: true } split
            ? [.. split.Texts.Select((t, i) => new LabeledExample<string>(t!, split.GoldLabels[i]))]
            : null;
        return new RunData(
            dataset.Name,
            dataset.Task,
            [.. dataset.Train.Texts.Select(t => t!)],
            dataset.Train.Ids,
            [.. valid.Texts.Select((t, i) => new LabeledExample<string>(t!, valid.GoldLabels[i]))],
            test);
    }

    /// <summary>Takes <paramref name="count"/> seed items by a seeded random choice, in their input order; all of them when <see langword="null"/> (a larger count is refused before, by <see cref="RunCommand.Settings.Check(RunData, LabelModelMetric)"/>).</summary>
    public LabeledExample<string>[] SeedSample(int? count, int seed)
    {
        if (count is not int n || n >= Seed.Length)
        {
            return Seed;
        }

        int[] order = [.. Enumerable.Range(0, Seed.Length)];
        new Random(seed).Shuffle(order);
        return [.. order.Take(n).Order().Select(i => Seed[i])];
    }
}
