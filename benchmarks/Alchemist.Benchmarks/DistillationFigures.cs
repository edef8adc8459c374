using System.Diagnostics;
using System.Globalization;
using Alchemist.Tests.Offline;
using Alchemist.Tests.Shared;

namespace Alchemist.Benchmarks;

/// <summary>
/// Measures the figures of docs/distillation.md: the seed-only baseline and the offline weak-supervision flow
/// (offline synthesizer -> compiled programs -> label model -> distilled end model) on YouTube, SMS and TREC.
/// </summary>
/// <remarks>
/// <code>
/// dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- figures test [youtube sms trec]
/// dotnet run -c Release --project benchmarks/Alchemist.Benchmarks -- figures cv [youtube sms trec] [--folds 5] [--programs 20] ...
/// </code>
/// <c>test</c>: seeds = the dev split, unlabeled = the train texts, scored on the test split (nothing is chosen here).
/// <c>cv</c>: the same flow with folds of the dev split held out in turn; the test split is not read. Design choices
/// (the defaults of the options) are made with <c>cv</c> only.
/// </remarks>
internal static class DistillationFigures
{
    public static async Task RunAsync(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "test";
        List<string> datasets = FigureArguments.Datasets(args, "youtube", "sms", "trec");
        Dictionary<string, string> options = FigureArguments.Options(args);
        Console.WriteLine($"mode {mode}; options: {string.Join(' ', options.Select(o => $"{o.Key}={o.Value}"))}");
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            WeakSupervisionExperiment<string> experiment = Create(dataset, options);
            var stopwatch = Stopwatch.StartNew();
            if (mode == "cv")
            {
                int folds = int.Parse(options.GetValueOrDefault("folds", "5"), CultureInfo.InvariantCulture);
                IReadOnlyList<WeakSupervisionOutcome> outcomes = await experiment.CrossValidateAsync(folds, seed: 7);
                Report(name, "cv", dataset.Task.ClassCount, outcomes, stopwatch.Elapsed);
                if (options.ContainsKey("show"))
                {
                    foreach (WeakSupervisionOutcome outcome in outcomes.Take(2))
                    {
                        Console.WriteLine($"  fold: programs {outcome.Programs.Count}, coverage {outcome.Coverage:0.000}, weak accuracy {outcome.WeakLabelAccuracy:0.000}, training items {outcome.TrainingItems}");
                        for (int p = 0; p < outcome.Programs.Count; p++)
                        {
                            LabelingFunctionSummary? summary = outcome.UnlabeledAnalysis?.Functions[p];
                            Console.WriteLine($"    {outcome.Programs[p].Name} [train acc {summary?.EmpiricalAccuracy:0.000} cov {summary?.Coverage:0.000}]: {outcome.Programs[p].Provenance.Description?.Split(". Mined")[0]}");
                        }
                    }
                }
            }
            else
            {
                WrenchSplit test = dataset.Test!;
                WeakSupervisionOutcome outcome = await experiment.RunAsync(Texts(test), test.GoldLabels);
                Report(name, "test", dataset.Task.ClassCount, [outcome], stopwatch.Elapsed);
                if (options.ContainsKey("show"))
                {
                    foreach (LabelingProgram program in outcome.Programs)
                    {
                        Console.WriteLine($"  {program.Name}: {program.Provenance.Description}");
                    }
                }
            }
        }
    }

    /// <summary>Creates the experiment of a dataset: dev split as seeds, train texts as unlabeled items.</summary>
    internal static WeakSupervisionExperiment<string> Create(WrenchDataset dataset, IReadOnlyDictionary<string, string> options)
    {
        var endModelOptions = new LogisticRegressionEndModelOptions();
        var synthesizerOptions = new OfflineSynthesizerOptions();
        foreach ((string key, string value) in options)
        {
            double number = double.TryParse(value, CultureInfo.InvariantCulture, out double parsed) ? parsed : double.NaN;
            switch (key)
            {
                case "l2": endModelOptions.L2 = number; break;
                case "shift": endModelOptions.ShiftIntercepts = value == "true"; break;
                case "start": endModelOptions.MarkTextStart = value == "true"; break;
                case "tol": endModelOptions.Tolerance = number; break;
                case "iterations": endModelOptions.MaxIterations = (int)number; break;
                case "classweighting": endModelOptions.ClassWeighting = Enum.Parse<EndModelClassWeighting>(value, ignoreCase: true); break;
                case "chars": (endModelOptions.CharNgramMin, endModelOptions.CharNgramMax) = Range(value); break;
                case "words": (endModelOptions.WordNgramMin, endModelOptions.WordNgramMax) = Range(value); break;
                case "digits": endModelOptions.NormalizeDigits = value == "true"; break;
                case "idf": endModelOptions.UseInverseDocumentFrequency = value == "true"; break;
                case "support": synthesizerOptions.MinimumSupport = (int)number; break;
                case "confidence": synthesizerOptions.Confidence = number; break;
                case "precision": synthesizerOptions.MinimumPrecision = number; break;
                case "lift": synthesizerOptions.MinimumLift = number; break;
                case "overlap": synthesizerOptions.MaximumOverlap = number; break;
                case "groupwords": synthesizerOptions.MaximumWordsPerProgram = (int)number; break;
                case "conjunctions": synthesizerOptions.ConjunctionCandidates = (int)number; break;
                case "ucoverage": synthesizerOptions.MinimumUnlabeledCoverage = number; break;
            }
        }

        WrenchSplit dev = dataset.Valid!;
        return new WeakSupervisionExperiment<string>
        {
            Task = dataset.Task,
            SeedItems = Texts(dev),
            SeedLabels = dev.GoldLabels,
            UnlabeledItems = Texts(dataset.Train),
            UnlabeledGold = dataset.Train.GoldLabels,
            Synthesizer = new OfflineProgramSynthesizer(synthesizerOptions),
            ProgramCount = int.Parse(options.GetValueOrDefault("programs", "10"), CultureInfo.InvariantCulture),
            Compile = SandboxProgramCompiler.Compile<string>,
            EndModel = LogisticRegressionEndModel.ForText(endModelOptions),
            IncludeSeedInTraining = options.GetValueOrDefault("withseed", "true") == "true",
            SeedWeight = double.Parse(options.GetValueOrDefault("seedweight", "1"), CultureInfo.InvariantCulture),
            UncoveredTeacherWeight = double.Parse(options.GetValueOrDefault("teacher", "0"), CultureInfo.InvariantCulture),
            UseSeedClassBalance = options.GetValueOrDefault("seedbalance", "true") == "true",
            Weighting = Enum.Parse<SoftLabelWeighting>(options.GetValueOrDefault("weighting", "Confidence"), ignoreCase: true),
        };
    }

    internal static string[] Texts(WrenchSplit split) => [.. split.Texts.Select(t => t ?? string.Empty)];

    private static void Report(string name, string mode, int classCount, IReadOnlyList<WeakSupervisionOutcome> outcomes, TimeSpan elapsed)
    {
        string metric = classCount == 2 && name == "sms" ? "F1" : "accuracy";
        double Score(ClassificationScores s) => metric == "F1" ? s.F1 ?? 0 : s.Accuracy;
        double seed = outcomes.Average(o => Score(o.SeedOnly));
        double distilled = outcomes.Average(o => Score(o.Distilled));
        double labelModel = outcomes.Average(o => o.LabelModel is null ? 0 : Score(o.LabelModel));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-8} {mode} {metric}: seed-only {seed:0.000}  distilled {distilled:0.000}  (delta {distilled - seed:+0.000;-0.000})  label model {labelModel:0.000}  programs {outcomes.Average(o => o.Programs.Count):0.0}  coverage {outcomes.Average(o => o.Coverage):0.000}  weak-label accuracy {outcomes.Average(o => o.WeakLabelAccuracy ?? 0):0.000}  [{elapsed.TotalSeconds:0.0}s]"));
        if (outcomes.Count > 1)
        {
            Console.WriteLine("         per fold (seed/distilled): " + string.Join("  ", outcomes.Select(o => string.Create(CultureInfo.InvariantCulture, $"{Score(o.SeedOnly):0.000}/{Score(o.Distilled):0.000}"))));
        }
    }

    private static (int, int) Range(string value)
    {
        string[] parts = value.Split('-');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[^1], CultureInfo.InvariantCulture));
    }
}
