using System.Globalization;
using Alchemist.Tests.Shared;

namespace Alchemist.Benchmarks;

/// <summary>
/// A dev-only check of a label-model procedure (docs/label-models.md): <c>labelmodels nested</c> holds out each fold
/// of the dev split in turn, runs the procedure (for <c>auto</c>, its whole choice and fit) with the other folds as its
/// dev split, and scores it on the held-out fold. It never reads the test split, so design choices can be made on it.
/// </summary>
/// <remarks>Usage: <c>labelmodels nested [youtube sms trec imdb] [--models majority,weighted-majority,...,auto] [--folds 5]</c>.</remarks>
internal static class LabelModelFigures
{
    public static void Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "nested";
        if (mode != "nested")
        {
            throw new ArgumentException($"Unknown mode '{mode}'; the only mode is 'nested'.", nameof(args));
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
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        Console.WriteLine($"nested {folds}-fold cross-validation on the dev split (test never read)");
        Console.WriteLine($"{"dataset",-8} {string.Join(' ', models.Select(m => $"{m,16}"))}");
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            LabelModelMetric metric = name == "sms" ? LabelModelMetric.F1 : LabelModelMetric.Accuracy;
            LabelMatrix train = dataset.Train.WeakLabels;
            LabelMatrix dev = dataset.Valid!.WeakLabels;
            IReadOnlyList<int> labels = dataset.Valid.GoldLabels;
            int k = dataset.Task.ClassCount;
            int[] fold = DevFolds.Assign(labels, k, folds);
            var scores = new List<double>();
            foreach (string model in models)
            {
                var outOfFold = new double[dev.ItemCount * k];
                for (int f = 0; f < folds; f++)
                {
                    var options0 = new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels, Metric = metric };
                    (LabelModelFitOptions foldOptions, LabelMatrix held, int[] heldItems) = DevFolds.Split(options0, fold, f);
                    if (heldItems.Length == 0)
                    {
                        continue;
                    }

                    LabelModel fitted = catalog.Create(model);
                    fitted.Fit(train, foldOptions);
                    ClassProbabilities p = fitted.PredictProbabilities(held);
                    for (int h = 0; h < heldItems.Length; h++)
                    {
                        p.GetRow(h).CopyTo(outOfFold.AsSpan(heldItems[h] * k, k));
                    }
                }

                scores.Add(DevScoring.Score(new ClassProbabilities(dev.ItemCount, k, outOfFold), labels, metric));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {string.Join(' ', scores.Select(s => $"{s,16:0.0000}"))}"));
        }
    }
}
