using System.Diagnostics;
using System.Globalization;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Alchemist.Benchmarks;

/// <summary>
/// The pipeline's figures (docs/pipeline.md): <c>pipeline test</c> runs <see cref="LabelingPipeline"/> with the
/// offline synthesizer (seed labels = the dev split) and scores it on the test split beside the seed-only baseline;
/// <c>pipeline cv</c> makes design choices honestly: it holds out each fold of the dev split in turn as the scored
/// set and uses the other folds as seed labels, never reading the test split.
/// </summary>
/// <remarks>
/// Usage: <c>pipeline test|cv [youtube sms trec] [--programs N] [--folds 5] [--repeats 1] [--voter true|false]
/// [--balance true|false] [--seedweight W] [--withseed true|false] [--model auto] [--embeddings minilm] [--concepts true]</c>, and the
/// offline synthesizer's and the end model's options (<c>--support --confidence --precision --lift --overlap
/// --groupwords --conjunctions --ucoverage --fewseedconcepts false|true|seed|nearest[+small][+heldout][+proto]</c>; <c>--l2 --shift --start --tol --iterations --classweighting --chars
/// --words --digits --idf</c>); options not given keep the library defaults. Every figure comes from
/// <see cref="LabelingPipeline"/>, the product's own stages. <c>--repeats R</c> averages R partitions of the dev split (the first is the one earlier figures used), so
/// a difference is less an accident of one partition. <c>--embeddings minilm</c> (the Alchemist.Embeddings.MiniLM package)
/// gives the end model, and so the seed-only baseline too, the vectors of a local embedding model; <c>--concepts true</c>
/// gives the run the same model for concept scores, so the offline synthesizer also mines concept programs.
/// </remarks>
internal static class PipelineFigures
{
    /// <summary>The local model behind a cache for the process: every run and fold of a command embeds a text once.</summary>
    private static readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> MiniLm = new(() =>
        new EmbeddingGeneratorBuilder<string, Embedding<float>>(new MiniLmEmbeddingGenerator())
            .UseDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
            .Build());

    public static async Task RunAsync(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "test";
        List<string> datasets = FigureArguments.Datasets(args, "youtube", "sms", "trec");
        Dictionary<string, string> options = FigureArguments.Options(args);

        Console.WriteLine($"mode {mode}; {string.Join(' ', options.Select(o => $"{o.Key}={o.Value}"))}");
        foreach (string name in datasets)
        {
            WrenchDataset dataset = TestData.Load(name);
            bool f1 = name == "sms";
            var stopwatch = Stopwatch.StartNew();
            LabeledExample<string>[] dev = Examples(dataset.Valid!);
            var scores = new List<(double Seed, double End, double LabelModel)>();
            if (mode == "cv")
            {
                int folds = int.Parse(options.GetValueOrDefault("folds", "5"), CultureInfo.InvariantCulture);
                int repeats = int.Parse(options.GetValueOrDefault("repeats", "1"), CultureInfo.InvariantCulture);
                for (int r = 0; r < repeats; r++)
                {
                    int[] fold = DevFolds.Shuffled([.. dev.Select(e => e.Label)], dataset.Task.ClassCount, folds, seed: 7 + r);
                    for (int f = 0; f < folds; f++)
                    {
                        int current = f;
                        scores.Add(await RunOnceAsync(dataset, [.. dev.Where((_, i) => fold[i] != current)], [.. dev.Where((_, i) => fold[i] == current)], f1, options));
                    }
                }
            }
            else
            {
                scores.Add(await RunOnceAsync(dataset, dev, Examples(dataset.Test!), f1, options));
            }

            string metric = f1 ? "F1" : "accuracy";
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name,-8} {mode} {metric}: seed-only {scores.Average(s => s.Seed):0.0000}  pipeline {scores.Average(s => s.End):0.0000}  (delta {scores.Average(s => s.End - s.Seed):+0.0000;-0.0000})  label model {scores.Average(s => s.LabelModel):0.0000}  [{stopwatch.Elapsed.TotalSeconds:0}s]"));
            if (scores.Count > 1)
            {
                Console.WriteLine("         per fold (seed/pipeline): " + string.Join("  ", scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Seed:0.000}/{s.End:0.000}"))));
            }
        }
    }

    private static async Task<(double Seed, double End, double LabelModel)> RunOnceAsync(
        WrenchDataset dataset, LabeledExample<string>[] seed, LabeledExample<string>[] scored, bool f1, Dictionary<string, string> options)
    {
        LabelingRun run = await RunPipelineAsync(dataset, seed, scored, f1, options);
        return (Score(run.Test!.SeedOnly, f1), Score(run.Test.EndModel, f1), Score(run.Test.LabelModel, f1));
    }

    /// <summary>The figure of a score: F1 of class 1 when <paramref name="f1"/>, else accuracy; NaN when there is none.</summary>
    internal static double Score(ClassificationScores? scores, bool f1) => scores is null ? double.NaN : f1 ? scores.F1 ?? 0 : scores.Accuracy;

    /// <summary>Runs the pipeline once with the offline synthesizer: <paramref name="seed"/> as seed labels, <paramref name="scored"/> as the test set.</summary>
    internal static async Task<LabelingRun> RunPipelineAsync(
        WrenchDataset dataset, LabeledExample<string>[] seed, LabeledExample<string>[] scored, bool f1, Dictionary<string, string> options)
    {
        // Every option not given on the command line keeps the library's default, so the figures are the shipped pipeline's.
        var defaults = new LabelingPipelineOptions();
        (OfflineSynthesizerOptions synthesizerOptions, LogisticRegressionEndModelOptions endModelOptions) = StageOptions(options);
        var pipeline = new LabelingPipeline(
            [new OfflineProgramSynthesizer(synthesizerOptions)],
            new LabelingPipelineOptions
            {
                ProgramsPerSynthesizer = options.TryGetValue("programs", out string? programs) ? int.Parse(programs, CultureInfo.InvariantCulture) : defaults.ProgramsPerSynthesizer,
                LabelModel = options.GetValueOrDefault("model", defaults.LabelModel),
                SelectionMetric = f1 ? LabelModelMetric.F1 : LabelModelMetric.Accuracy,
                SeedModelVoter = options.TryGetValue("voter", out string? voter) ? voter == "true" : defaults.SeedModelVoter,
                UseSeedClassBalance = options.TryGetValue("balance", out string? balance) ? balance == "true" : defaults.UseSeedClassBalance,
                SeedItemWeight = options.TryGetValue("seedweight", out string? weight) ? double.Parse(weight, CultureInfo.InvariantCulture) : defaults.SeedItemWeight,
                TrainEndModelOnSeedSet = options.TryGetValue("withseed", out string? withSeed) ? withSeed == "true" : defaults.TrainEndModelOnSeedSet,
                DirectLabelingModel = null,

                // "--endchoice true": the run cross-validates its end model against the seed-only model over the seed
                // items with the leaky rules (both rules' choices follow from the same figures); the pipeline's own model
                // is unchanged. "nested": the library's check (the whole pipeline re-run per fold of the seed items),
                // always; "off": no check; not given: the library's default (EndModelChoiceMode.Auto, which checks here,
                // the offline synthesizer being local).
                EndModelChoice = options.GetValueOrDefault("endchoice") switch
                {
                    "nested" => EndModelChoiceMode.Always,
                    "off" or "true" => EndModelChoiceMode.Off,
                    null => defaults.EndModelChoice,
                    string other => throw new ArgumentException($"Unknown --endchoice '{other}'; known: true (the leaky rules), nested, off."),
                },
                EndModelChoiceRuleOverride = options.GetValueOrDefault("endchoice") == "true" ? EndModelChoiceRule.HigherScore : null,

                // Concept programs (docs/concept-programs.md): the offline synthesizer mines them over MiniLM's scores.
                EmbeddingGenerator = options.GetValueOrDefault("concepts") == "true" ? MiniLm.Value : null,
            });
        var job = new LabelingJob<string>(dataset.Task, [.. dataset.Train.Texts.Select(t => t!)])
        {
            SeedSet = seed,
            TestSet = scored,
            EndModel = options.TryGetValue("embeddings", out string? embeddings) ? EndModelWith(embeddings, endModelOptions) : LogisticRegressionEndModel.ForText(endModelOptions),
        };
        return await pipeline.RunAsync(job);
    }

    /// <summary>The default end model with embedding features from a local model (<c>minilm</c>).</summary>
    private static IEndModel<string> EndModelWith(string embeddings, LogisticRegressionEndModelOptions options) => embeddings switch
    {
        "minilm" => LogisticRegressionEndModel.ForText(options, MiniLm.Value),
        _ => throw new ArgumentException($"Unknown --embeddings '{embeddings}'; the one known is 'minilm'."),
    };

    /// <summary>The offline synthesizer's and the end model's options, the library defaults changed by the options given.</summary>
    private static (OfflineSynthesizerOptions, LogisticRegressionEndModelOptions) StageOptions(Dictionary<string, string> options)
    {
        var synthesizer = new OfflineSynthesizerOptions();
        var endModel = new LogisticRegressionEndModelOptions();
        foreach ((string key, string value) in options)
        {
            double number = double.TryParse(value, CultureInfo.InvariantCulture, out double parsed) ? parsed : double.NaN;
            switch (key.ToLowerInvariant())
            {
                case "support": synthesizer.MinimumSupport = (int)number; break;
                case "confidence": synthesizer.Confidence = number; break;
                case "precision": synthesizer.MinimumPrecision = number; break;
                case "lift": synthesizer.MinimumLift = number; break;
                case "overlap": synthesizer.MaximumOverlap = number; break;
                case "groupwords": synthesizer.MaximumWordsPerProgram = (int)number; break;
                case "conjunctions": synthesizer.ConjunctionCandidates = (int)number; break;
                case "ucoverage": synthesizer.MinimumUnlabeledCoverage = number; break;
                case "fewseedconcepts":
                    // true (or seed): the estimated-precision rule with the seed share; nearest: with the unlabeled
                    // items' nearest-prototype share; "+small" keeps it to small classes, "+heldout" adds the
                    // held-out check on the seed items, "+proto" makes that check also compare the programs with the
                    // nearest class prototype on the held-out items.
                    string[] parts = value.Split('+');
                    synthesizer.EstimateFewSeedConcepts = parts[0] is "true" or "seed" or "nearest";
                    synthesizer.FewSeedShare = parts[0] == "nearest" ? FewSeedClassShare.NearestPrototype : FewSeedClassShare.SeedLabels;
                    synthesizer.FewSeedHeldOutCheck = parts.Contains("heldout");
                    synthesizer.FewSeedPrototypeCheck = parts.Contains("proto");
                    synthesizer.FewSeedSmallClassesOnly = parts.Contains("small");
                    break;
                case "l2": endModel.L2 = number; break;
                case "shift": endModel.ShiftIntercepts = value == "true"; break;
                case "start": endModel.MarkTextStart = value == "true"; break;
                case "tol": endModel.Tolerance = number; break;
                case "iterations": endModel.MaxIterations = (int)number; break;
                case "classweighting": endModel.ClassWeighting = Enum.Parse<EndModelClassWeighting>(value, ignoreCase: true); break;
                case "chars": (endModel.CharNgramMin, endModel.CharNgramMax) = Range(value); break;
                case "words": (endModel.WordNgramMin, endModel.WordNgramMax) = Range(value); break;
                case "digits": endModel.NormalizeDigits = value == "true"; break;
                case "idf": endModel.UseInverseDocumentFrequency = value == "true"; break;
            }
        }

        return (synthesizer, endModel);

        static (int, int) Range(string value)
        {
            string[] parts = value.Split('-');
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[^1], CultureInfo.InvariantCulture));
        }
    }

    internal static LabeledExample<string>[] Examples(WrenchSplit split) =>
        [.. split.Texts.Select((t, i) => new LabeledExample<string>(t!, split.GoldLabels[i]))];
}
