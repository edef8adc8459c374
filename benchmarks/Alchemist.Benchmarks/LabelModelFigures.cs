using System.Globalization;
using Alchemist.Tests.Shared;

namespace Alchemist.Benchmarks;

/// <summary>
/// A dev-only check of a label-model procedure (docs/label-models.md): <c>labelmodels nested</c> holds out each fold
/// of the dev split in turn, runs the procedure (for <c>auto</c>, its whole choice and fit) with the other folds as its
/// dev split, and scores it on the held-out fold. It never reads the test split, so design choices can be made on it.
/// </summary>
/// <remarks>
/// Usage: <c>labelmodels nested|train|test|swap|candidates|semi-flips|shift [youtube sms trec imdb] [--models majority,weighted-majority,...,auto,auto:best-score,auto:no-average,auto:shift-hyper,auto:weighted] [--folds 5] [--repeats 1]</c>.
/// <c>--repeats R</c> averages R partitions of the dev split (the first is the fixed one <c>auto</c> itself uses; the
/// others shuffle each class), so a difference is less an accident of one partition. <c>train</c> fits each model on the
/// train votes with the whole dev split and scores it against the train split's gold labels, which no model ever sees
/// (WRENCH's "label model on train" setting): 13 to 170 times as many labels as the dev split, for choosing between
/// procedures. <c>test</c> does the same on the test split: a report, never a way to choose. <c>candidates</c> (dev
/// only) prints each of <c>auto</c>'s candidates with its out-of-fold dev score, log-loss and Brier score. <c>swap</c> (no test data)
/// fits on train with a seeded random sample of train's gold labels as the dev split and scores the valid split;
/// <c>shift</c> (votes only) prints the firing-rate statistic and importance weights of the rules that read the matrix
/// being labeled (docs/experiments/label-models-auto-rule.md, 2026-12-05).
/// </remarks>
internal static class LabelModelFigures
{
    public static void Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "nested";
        if (mode is not "nested" and not "test" and not "train" and not "candidates" and not "semi-flips" and not "shift" and not "swap")
        {
            throw new ArgumentException($"Unknown mode '{mode}'; the modes are 'nested', 'train', 'test', 'swap', 'candidates', 'semi-flips' and 'shift'.", nameof(args));
        }

        List<string> datasets = FigureArguments.Datasets(args, "youtube", "sms", "trec", "imdb");
        if (mode == "shift")
        {
            Shift(datasets);
            return;
        }
        if (mode == "semi-flips")
        {
            SemiFlips(datasets);
            return;
        }

        if (mode == "candidates")
        {
            Candidates(datasets);
            return;
        }

        Dictionary<string, string> options = FigureArguments.Options(args);

        string[] models = options.GetValueOrDefault("models", "majority,weighted-majority,dawid-skene,snorkel,flyingsquid,auto").Split(',');
        int folds = int.Parse(options.GetValueOrDefault("folds", "5"), CultureInfo.InvariantCulture);
        int repeats = int.Parse(options.GetValueOrDefault("repeats", "1"), CultureInfo.InvariantCulture);
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();

        // "auto:best-score" is auto without a default candidate: whichever candidate scores best (the rule before 2026-11-26);
        // "auto:default=NAME" keeps NAME unless a challenger clearly beats it (docs/experiments/hyper-label-model.md);
        // "auto:no-average" is auto without the weighted-majority+hyper candidate (the rule before 2026-12-03);
        // "hyper-semi[:lr=X]" is hyper fine-tuned on the dev labels (the reference's semi-supervised mode, learning rate 1e-4
        // unless given), and "auto:hyper-semi[:lr=X]" auto with it as one more candidate (docs/experiments/hyper-label-model.md, 2026-12-04).
        // "auto:shift-hyper" and "auto:weighted" read the matrix being labeled (the target: the fitted train matrix in 'train',
        // the test matrix in 'test', the dev matrix in 'nested'; docs/experiments/label-models-auto-rule.md, 2026-12-05).
        Func<string, LabelMatrix?, LabelModel> create = (m, target) => m switch
        {
            "auto:shift-hyper" => new AutoLabelModel { TargetRule = AutoTargetRule.HyperWhenShifted, Target = target },
            "auto:weighted" => new AutoLabelModel { TargetRule = AutoTargetRule.ImportanceWeighted, Target = target },
            "auto:best-score" => new AutoLabelModel { DefaultCandidate = null },
            "auto:no-average" => new AutoLabelModel { IncludesAveragedCandidate = false },
            "auto:hyper-semi" => new AutoLabelModel { SemiSupervisedHyper = new HyperFineTuning() },
            _ when m.StartsWith("hyper-semi:lr=", StringComparison.Ordinal) => new HyperLabelModel { FineTuning = new HyperFineTuning { LearningRate = double.Parse(m["hyper-semi:lr=".Length..], CultureInfo.InvariantCulture) } },
            _ when m.StartsWith("auto:hyper-semi:lr=", StringComparison.Ordinal) => new AutoLabelModel { SemiSupervisedHyper = new HyperFineTuning { LearningRate = double.Parse(m["auto:hyper-semi:lr=".Length..], CultureInfo.InvariantCulture) } },
            _ when m.StartsWith("auto:default=", StringComparison.Ordinal) => new AutoLabelModel { DefaultCandidate = m["auto:default=".Length..] },
            _ => catalog.Create(m),
        };
        Console.WriteLine(mode is "test" or "train"
            ? $"fitted on train with the whole dev split, scored on the {mode} split's gold labels"
            : mode == "swap" ? "fitted on train with a seeded random, valid-sized sample of train (its gold labels) as the dev split, scored on the valid split's gold labels"
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
            if (mode == "swap")
            {
                // Roles swapped (dev only and train gold, never test): a labeled sample of train is the dev split, valid the target.
                // A seeded random sample: an evenly strided one takes only class 0 on IMDb, whose train file alternates the classes.
                int[] order = [.. Enumerable.Range(0, train.ItemCount)];
                new Random(0).Shuffle(order);
                int[] sample = [.. order.Take(dev.ItemCount).Order()];
                LabelMatrix sampleVotes = DevFolds.SelectItems(train, sample);
                int[] sampleLabels = [.. sample.Select(i => dataset.Train.GoldLabels[i])];
                foreach (string model in models)
                {
                    LabelModel fitted = create(model, dev);
                    LabelModelFitReport report = fitted.Fit(train, new LabelModelFitOptions { DevMatrix = sampleVotes, DevLabels = sampleLabels, Metric = metric });
                    scores.Add(DevScoring.Score(fitted.PredictProbabilities(dev), labels, metric));
                    if (report.Selected is { } selected)
                    {
                        Console.WriteLine($"{name,-8} {model} selected {selected}: {report.SelectionReason}");
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {mode} {string.Join(' ', scores.Select(s => $"{s,16:0.0000}"))}"));
                continue;
            }

            if (mode is "test" or "train")
            {
                WrenchSplit scored = mode == "test" ? dataset.Test! : dataset.Train;
                foreach (string model in models)
                {
                    LabelModel fitted = create(model, scored.WeakLabels);
                    LabelModelFitReport report = fitted.Fit(train, new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels, Metric = metric });
                    scores.Add(DevScoring.Score(fitted.PredictProbabilities(scored.WeakLabels), scored.GoldLabels, metric));
                    if (report.Selected is { } selected)
                    {
                        Console.WriteLine($"{name,-8} {model} selected {selected}: {report.SelectionReason}");
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {mode} {string.Join(' ', scores.Select(s => $"{s,16:0.0000}"))}"));
                continue;
            }

            foreach (string model in models)
            {
                scores.Add(Enumerable.Range(0, repeats).Average(r => NestedScore(create, model, train, dev, labels, metric, folds, r)));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {string.Join(' ', scores.Select(s => $"{s,16:0.0000}"))}"));
        }
    }

    /// <summary>
    /// Dev only: every candidate of <c>auto</c> with its out-of-fold dev score under the task's metric, its log-loss and
    /// Brier score (per item, lower is better), and the dev score of <c>hyper</c> when its dev rows are labeled from
    /// its fit on the train matrix (the train split's column means) instead of from the dev split's own.
    /// </summary>
    private static void Candidates(List<string> datasets)
    {
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            LabelModelMetric metric = name == "sms" ? LabelModelMetric.F1 : LabelModelMetric.Accuracy;
            LabelMatrix train = dataset.Train.WeakLabels;
            LabelMatrix dev = dataset.Valid!.WeakLabels;
            IReadOnlyList<int> labels = dataset.Valid.GoldLabels;
            var rows = new List<(string Name, ClassProbabilities P)>();
            var auto = new AutoLabelModel { OutOfFoldObserver = (c, p) => rows.Add((c, p)) };
            LabelModelFitReport report = auto.Fit(train, new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels, Metric = metric });
            var hyper = new HyperLabelModel();
            hyper.Fit(train);
            int k = dev.ClassCount;
            var fromTrain = new double[dev.ItemCount * k];
            for (int i = 0; i < dev.ItemCount; i++)
            {
                hyper.PredictProbabilities(dev.GetRow(i), fromTrain.AsSpan(i * k, k));
            }

            rows.Add(("hyper (train means)", new ClassProbabilities(dev.ItemCount, k, fromTrain)));
            string[] pool = ["weighted-majority", "hyper", "dawid-skene+dev", "snorkel", "majority"];
            foreach (string a in pool)
            {
                foreach (string b in pool)
                {
                    if (string.CompareOrdinal(a, b) >= 0 || rows.FindIndex(r => r.Name == a) < 0 || rows.FindIndex(r => r.Name == b) < 0)
                    {
                        continue;
                    }

                    ClassProbabilities pa = rows.First(r => r.Name == a).P, pb = rows.First(r => r.Name == b).P;
                    var mean = new double[dev.ItemCount * k];
                    var product = new double[dev.ItemCount * k];
                    for (int i = 0; i < dev.ItemCount; i++)
                    {
                        double sum = 0;
                        for (int c = 0; c < k; c++)
                        {
                            mean[(i * k) + c] = (pa.GetRow(i)[c] + pb.GetRow(i)[c]) / 2;
                            product[(i * k) + c] = Math.Sqrt(Math.Max(pa.GetRow(i)[c], 1e-300) * Math.Max(pb.GetRow(i)[c], 1e-300));
                            sum += product[(i * k) + c];
                        }

                        for (int c = 0; c < k; c++)
                        {
                            product[(i * k) + c] /= sum;
                        }
                    }

                    rows.Add(($"mean({a},{b})", new ClassProbabilities(dev.ItemCount, k, mean)));
                    rows.Add(($"geo({a},{b})", new ClassProbabilities(dev.ItemCount, k, product)));
                }
            }
            Console.WriteLine($"{name}: selected {report.Selected}: {report.SelectionReason}");
            foreach ((string candidate, ClassProbabilities p) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {candidate,-32} {DevScoring.Score(p, labels, metric),8:0.0000} {LogLoss(p, labels),8:0.0000} {Brier(p, labels),8:0.0000}"));
            }
        }
    }

    /// <summary>
    /// Train split only: where <c>hyper-semi</c> (fine-tuned on the whole dev split) and <c>hyper</c> disagree on the
    /// train matrix: how many items change their most probable class (the first on ties), among items without votes and
    /// with them, the net change in items right by the train gold labels, and the largest change of a probability.
    /// </summary>
    private static void SemiFlips(List<string> datasets)
    {
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            LabelMatrix train = dataset.Train.WeakLabels;
            var options = new LabelModelFitOptions { DevMatrix = dataset.Valid!.WeakLabels, DevLabels = dataset.Valid.GoldLabels };
            var hyper = new HyperLabelModel();
            hyper.Fit(train, options);
            var semi = new HyperLabelModel { FineTunesOnDevLabels = true };
            semi.Fit(train, options);
            ClassProbabilities a = hyper.PredictProbabilities(train), b = semi.PredictProbabilities(train);
            double[] rawA = hyper.PredictUncalibrated(train), rawB = semi.PredictUncalibrated(train);
            int k = train.ClassCount;
            int flipsEmpty = 0, flipsVoted = 0, netEmpty = 0, netVoted = 0;
            double largest = 0, largestRaw = 0;
            for (int i = 0; i < train.ItemCount; i++)
            {
                bool empty = !train.GetRow(i).ToArray().Any(v => v >= 0);
                int argA = ArgMax(a.GetRow(i)), argB = ArgMax(b.GetRow(i));
                for (int c = 0; c < k; c++)
                {
                    largest = Math.Max(largest, Math.Abs(a.GetRow(i)[c] - b.GetRow(i)[c]));
                    largestRaw = Math.Max(largestRaw, Math.Abs(rawA[(i * k) + c] - rawB[(i * k) + c]));
                }

                if (argA != argB)
                {
                    int net = (argB == dataset.Train.GoldLabels[i] ? 1 : 0) - (argA == dataset.Train.GoldLabels[i] ? 1 : 0);
                    flipsEmpty += empty ? 1 : 0;
                    netEmpty += empty ? net : 0;
                    flipsVoted += empty ? 0 : 1;
                    netVoted += empty ? 0 : net;
                }
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name,-8} changed: {flipsEmpty} without votes (net {netEmpty:+0;-0;0} right), {flipsVoted} with votes (net {netVoted:+0;-0;0}); largest change {largest:0.0000} calibrated, {largestRaw:0.000000} uncalibrated"));
        }
    }

    /// <summary>
    /// Votes only, no gold label: the firing-rate statistic of <c>auto:shift-hyper</c> (the sum of squared two-proportion
    /// z statistics, dev split against each other split) beside its chi-square 0.999 quantile, and the spread of
    /// <c>auto:weighted</c>'s importance weights of the dev items (their largest, and the effective sample size).
    /// </summary>
    private static void Shift(List<string> datasets)
    {
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            LabelMatrix dev = dataset.Valid!.WeakLabels;
            foreach ((string split, LabelMatrix target) in new[] { ("train", dataset.Train.WeakLabels), ("test", dataset.Test!.WeakLabels) })
            {
                (double statistic, int functions) = TargetShift.FiringRateStatistic(dev, target);
                double[] w = TargetShift.ImportanceWeights(dev, target);
                double effective = w.Sum() * w.Sum() / w.Sum(x => x * x);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name,-8} dev vs {split,-5} X = {statistic,9:0.0} over {functions,3} functions (0.999 quantile {MathNet.Numerics.Distributions.ChiSquared.InvCDF(functions, 0.999),6:0.0}): shifted {TargetShift.IsShifted(dev, target)}; weights: largest {w.Max(),6:0.00}, effective dev items {effective,7:0.0} of {dev.ItemCount}"));
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            best = row[c] > row[best] ? c : best;
        }

        return best;
    }

    private static double LogLoss(ClassProbabilities p, IReadOnlyList<int> labels) =>
        Enumerable.Range(0, p.ItemCount).Average(i => -Math.Log(Math.Max(p.GetRow(i)[labels[i]], 1e-15)));

    private static double Brier(ClassProbabilities p, IReadOnlyList<int> labels) =>
        Enumerable.Range(0, p.ItemCount).Average(i =>
        {
            ReadOnlySpan<double> row = p.GetRow(i);
            double sum = 0;
            for (int c = 0; c < row.Length; c++)
            {
                double e = row[c] - (c == labels[i] ? 1 : 0);
                sum += e * e;
            }

            return sum;
        });

    /// <summary>The out-of-fold dev score of a model fitted, fold by fold, with the other folds as its dev split; partition 0 is <c>auto</c>'s own, others shuffle each class.</summary>
    private static double NestedScore(Func<string, LabelMatrix?, LabelModel> create, string model, LabelMatrix train, LabelMatrix dev, IReadOnlyList<int> labels, LabelModelMetric metric, int folds, int partition)
    {
        int k = dev.ClassCount;
        int[] fold = partition == 0 ? DevFolds.Assign(labels, k, folds) : DevFolds.Shuffled(labels, k, folds, seed: 1000 + partition, offsetByClass: true);
        var outOfFold = new double[dev.ItemCount * k];
        var options = new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels, Metric = metric };
        for (int f = 0; f < folds; f++)
        {
            (LabelModelFitOptions foldOptions, _, int[] heldItems) = DevFolds.Split(options, fold, f);
            if (heldItems.Length == 0)
            {
                continue;
            }

            // The whole dev split is predicted and the held-out rows scored, as auto's own cross-validation does: the same
            // for row-wise models, and a transductive one (hyper) sees the dev split whole.
            LabelModel fitted = create(model, dev);
            fitted.Fit(train, foldOptions);
            ClassProbabilities p = fitted.PredictProbabilities(dev);
            for (int h = 0; h < heldItems.Length; h++)
            {
                p.GetRow(heldItems[h]).CopyTo(outOfFold.AsSpan(heldItems[h] * k, k));
            }
        }

        return DevScoring.Score(new ClassProbabilities(dev.ItemCount, k, outOfFold), labels, metric);
    }
}
