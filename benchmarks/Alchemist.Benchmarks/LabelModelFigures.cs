using System.Globalization;
using Alchemist.Tests.Shared;

namespace Alchemist.Benchmarks;

/// <summary>
/// A dev-only check of a label-model procedure (docs/label-models.md): <c>labelmodels nested</c> holds out each fold
/// of the dev split in turn, runs the procedure (for <c>auto</c>, its whole choice and fit) with the other folds as its
/// dev split, and scores it on the held-out fold. It never reads the test split, so design choices can be made on it.
/// </summary>
/// <remarks>
/// Usage: <c>labelmodels nested|test [youtube sms trec imdb] [--models majority,weighted-majority,...,auto] [--folds 5] [--repeats 1]</c>.
/// <c>--repeats R</c> averages R partitions of the dev split (the first is the fixed one <c>auto</c> itself uses; the
/// others shuffle each class), so a difference is less an accident of one partition. <c>test</c> fits each model with
/// the whole dev split and scores it on the test split: a report, never a way to choose.
/// </remarks>
internal static class LabelModelFigures
{
    public static void Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "nested";
        if (mode is not "nested" and not "test")
        {
            throw new ArgumentException($"Unknown mode '{mode}'; the modes are 'nested' and 'test'.", nameof(args));
        }

        List<string> datasets = [.. args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))];
        if (datasets.Count == 0)
        {
            datasets = ["youtube", "sms", "trec", "imdb"];
        }

        Dictionary<string, string> options = [];
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i][2..]] = args[i + 1];
            }
        }

        string[] models = options.GetValueOrDefault("models", "majority,weighted-majority,dawid-skene,snorkel,flyingsquid,auto").Split(',');
        int folds = int.Parse(options.GetValueOrDefault("folds", "5"), CultureInfo.InvariantCulture);
        int repeats = int.Parse(options.GetValueOrDefault("repeats", "1"), CultureInfo.InvariantCulture);
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        Console.WriteLine(mode == "test"
            ? "fitted on train with the whole dev split, scored on the test split"
            : $"nested {folds}-fold cross-validation on the dev split, {repeats} partition(s) averaged (test never read)");
        Console.WriteLine($"{"dataset",-8} {string.Join(' ', models.Select(m => $"{m,16}"))}");
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            LabelModelMetric metric = name == "sms" ? LabelModelMetric.F1 : LabelModelMetric.Accuracy;
            LabelMatrix train = dataset.Train.WeakLabels;
            LabelMatrix dev = dataset.Valid!.WeakLabels;
            IReadOnlyList<int> labels = dataset.Valid.GoldLabels;
            var scores = new List<double>();
            if (mode == "test")
            {
                foreach (string model in models)
                {
                    LabelModel fitted = catalog.Create(model);
                    LabelModelFitReport report = fitted.Fit(train, new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels, Metric = metric });
                    scores.Add(DevScoring.Score(fitted.PredictProbabilities(dataset.Test!.WeakLabels), dataset.Test.GoldLabels, metric));
                    if (report.Selected is { } selected)
                    {
                        Console.WriteLine($"{name,-8} {model} selected {selected}");
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} test {string.Join(' ', scores.Select(s => $"{s,16:0.0000}"))}"));
                continue;
            }

            foreach (string model in models)
            {
                scores.Add(Enumerable.Range(0, repeats).Average(r => NestedScore(catalog.Create, model, train, dev, labels, metric, folds, r)));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {string.Join(' ', scores.Select(s => $"{s,16:0.0000}"))}"));
        }
    }

    /// <summary>The out-of-fold dev score of a model fitted, fold by fold, with the other folds as its dev split; partition 0 is <c>auto</c>'s own, others shuffle each class.</summary>
    private static double NestedScore(Func<string, LabelModel> create, string model, LabelMatrix train, LabelMatrix dev, IReadOnlyList<int> labels, LabelModelMetric metric, int folds, int partition)
    {
        int k = dev.ClassCount;
        int[] fold = partition == 0 ? DevFolds.Assign(labels, k, folds) : DevFolds.Shuffled(labels, k, folds, seed: 1000 + partition, offsetByClass: true);
        var outOfFold = new double[dev.ItemCount * k];
        var options = new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels, Metric = metric };
        for (int f = 0; f < folds; f++)
        {
            (LabelModelFitOptions foldOptions, LabelMatrix held, int[] heldItems) = DevFolds.Split(options, fold, f);
            if (heldItems.Length == 0)
            {
                continue;
            }

            LabelModel fitted = create(model);
            fitted.Fit(train, foldOptions);
            ClassProbabilities p = fitted.PredictProbabilities(held);
            for (int h = 0; h < heldItems.Length; h++)
            {
                p.GetRow(h).CopyTo(outOfFold.AsSpan(heldItems[h] * k, k));
            }
        }

        return DevScoring.Score(new ClassProbabilities(dev.ItemCount, k, outOfFold), labels, metric);
    }
}
