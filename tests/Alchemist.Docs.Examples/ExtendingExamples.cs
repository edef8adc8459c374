using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Docs.Examples;

// The worked examples of docs/extending.md. Each region between "// <snippet:name>" and "// </snippet>" appears
// in the page word for word (DocsSnippetTests); tests/Alchemist.Core.Tests/Docs runs them.

// <snippet:label-model>
/// <summary>Weighs each function by how often it agrees with the votes around it: a label model of the host's.</summary>
public sealed class AgreementLabelModel : LabelModel
{
    private double[] _weights = [];

    /// <inheritdoc/>
    public override string Name => "agreement";

    /// <inheritdoc/>
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        var agreed = new double[matrix.FunctionCount];
        var cast = new double[matrix.FunctionCount];
        var shares = new double[matrix.ClassCount];
        var balance = new double[matrix.ClassCount];
        for (int item = 0; item < matrix.ItemCount; item++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<sbyte> votes = matrix.GetRow(item);
            Weigh(votes, weights: null, shares);
            for (int c = 0; c < shares.Length; c++)
            {
                balance[c] += shares[c] / matrix.ItemCount; // the class balance: the mean vote share
            }

            for (int function = 0; function < votes.Length; function++)
            {
                if (votes[function] >= 0)
                {
                    cast[function]++;
                    agreed[function] += shares[votes[function]];
                }
            }
        }

        // Laplace-smoothed agreement: a function that never voted weighs 1/2.
        _weights = [.. agreed.Select((a, function) => (a + 1) / (cast[function] + 2))];
        return new LabelModelFitReport { ModelName = Name, ClassBalance = balance, FunctionAccuracies = _weights };
    }

    /// <inheritdoc/>
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination) => Weigh(votes, _weights, destination);

    private static void Weigh(ReadOnlySpan<sbyte> votes, double[]? weights, Span<double> destination)
    {
        destination.Clear();
        double total = 0;
        for (int function = 0; function < votes.Length; function++)
        {
            if (votes[function] >= 0)
            {
                double weight = weights?[function] ?? 1;
                destination[votes[function]] += weight;
                total += weight;
            }
        }

        if (total == 0)
        {
            destination.Fill(1.0 / destination.Length); // no votes: every class alike
            return;
        }

        foreach (ref double share in destination)
        {
            share /= total;
        }
    }
}
// </snippet>

// <snippet:synthesizer>
/// <summary>Writes one keyword program per class from keywords the host supplies: a synthesizer with no model behind it.</summary>
/// <param name="keywordsByClass">The keywords of each class, by class name.</param>
public sealed class KeywordTemplateSynthesizer(IReadOnlyDictionary<string, string[]> keywordsByClass) : IProgramSynthesizer
{
    /// <inheritdoc/>
    public string Name => "keyword-templates";

    /// <inheritdoc/>
    public bool AcceptsFeedback => false;

    /// <inheritdoc/>
    public bool IsLocal => true;

    /// <inheritdoc/>
    public IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, CancellationToken cancellationToken = default) =>
        typeof(TItem) == typeof(string) ? Write(request.Task, request.ProgramCount, request.ProgramNamePrefix).ToAsyncEnumerable() : AsyncEnumerable.Empty<LabelingProgram>();

    private IEnumerable<LabelingProgram> Write(LabelingTask task, int count, string prefix)
    {
        for (int label = 0; label < task.ClassCount && label < count; label++)
        {
            if (!keywordsByClass.TryGetValue(task.ClassNames[label], out string[]? keywords) || keywords.Length == 0)
            {
                continue;
            }

            string literals = string.Join(", ", keywords.Select(k => "\"" + k.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
            string source = $$"""
                public static class Keywords
                {
                    private static readonly string[] Words = new[] { {{literals}} };

                    public static int Label(string item) =>
                        Words.Any(w => item.Contains(w, StringComparison.OrdinalIgnoreCase)) ? {{label}} : -1;
                }
                """;

            // The sandbox compiles, checks and gates this like any synthesized program: it is untrusted source.
            yield return new LabelingProgram($"{prefix}-{label:000}", source, new ProgramProvenance
            {
                Synthesizer = Name,
                Description = $"'{task.ClassNames[label]}' when the item mentions {literals}",
            });
        }
    }
}
// </snippet>

// <snippet:end-model>
/// <summary>A multinomial naive Bayes over words, trained on the label model's soft labels: an end model of the host's.</summary>
public sealed class NaiveBayesEndModel : IEndModel<string>
{
    /// <inheritdoc/>
    public string Name => "naive-bayes";

    /// <inheritdoc/>
    public ValueTask<ITrainedEndModel<string>> TrainAsync(EndModelTrainingSet<string> trainingSet, CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        int k = trainingSet.ClassCount;
        var wordCounts = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var classWords = new double[k];
        var classItems = new double[k];
        for (int i = 0; i < trainingSet.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<double> target = trainingSet.GetTarget(i); // a probability per class
            double weight = trainingSet.Weights[i];
            for (int c = 0; c < k; c++)
            {
                classItems[c] += weight * target[c];
            }

            foreach (string word in Words(trainingSet.Items[i]))
            {
                if (!wordCounts.TryGetValue(word, out double[]? counts))
                {
                    wordCounts[word] = counts = new double[k];
                }

                for (int c = 0; c < k; c++)
                {
                    counts[c] += weight * target[c];
                    classWords[c] += weight * target[c];
                }
            }
        }

        var report = new EndModelTrainingReport
        {
            ModelName = Name,
            ItemCount = trainingSet.Count,
            FeatureCount = wordCounts.Count,
            Converged = true,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        return ValueTask.FromResult<ITrainedEndModel<string>>(new Trained(wordCounts, classWords, classItems, report));
    }

    private static string[] Words(string text) =>
        text.ToLowerInvariant().Split([' ', '\t', '\n', '.', ',', '!', '?'], StringSplitOptions.RemoveEmptyEntries);

    private sealed class Trained(Dictionary<string, double[]> wordCounts, double[] classWords, double[] classItems, EndModelTrainingReport report) : ITrainedEndModel<string>
    {
        public int ClassCount => classItems.Length;

        public EndModelTrainingReport TrainingReport => report;

        public ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<string> items, CancellationToken cancellationToken = default)
        {
            int k = ClassCount;
            double allItems = classItems.Sum();
            var values = new double[items.Count * k];
            for (int i = 0; i < items.Count; i++)
            {
                Span<double> row = values.AsSpan(i * k, k);
                for (int c = 0; c < k; c++)
                {
                    row[c] = Math.Log((classItems[c] + 1) / (allItems + k));
                }

                foreach (string word in Words(items[i]))
                {
                    wordCounts.TryGetValue(word, out double[]? counts);
                    for (int c = 0; c < k; c++)
                    {
                        row[c] += Math.Log(((counts?[c] ?? 0) + 1) / (classWords[c] + wordCounts.Count + 1));
                    }
                }

                // Log scores to probabilities (softmax).
                double max = row.ToArray().Max(), sum = 0;
                for (int c = 0; c < k; c++)
                {
                    sum += row[c] = Math.Exp(row[c] - max);
                }

                for (int c = 0; c < k; c++)
                {
                    row[c] /= sum;
                }
            }

            return ValueTask.FromResult(new ClassProbabilities(items.Count, k, values));
        }
    }
}
// </snippet>

/// <summary>Registrations and jobs of docs/extending.md.</summary>
public static class ExtendingExamples
{
    /// <summary>Registers the three extensions.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The builder.</returns>
    public static AlchemistBuilder Register(IServiceCollection services)
    {
        // <snippet:register>
        return services.AddAlchemist(options => options.Seed = 42)
            .AddLabelModel("agreement", () => new AgreementLabelModel(), candidateForAuto: true)
            .AddSynthesizer(_ => new KeywordTemplateSynthesizer(new Dictionary<string, string[]>
            {
                ["spam"] = ["subscribe", "check out", "my channel", "http"],
            }))
            .UseEndModel<string>(_ => new NaiveBayesEndModel());
        // </snippet>
    }

    /// <summary>Runs a job with hand-written functions beside whatever the synthesizers write.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="comments">The items.</param>
    /// <param name="seed">A few labeled items.</param>
    /// <returns>The run.</returns>
    public static async Task<LabelingRun<string>> RunWithFunctionsAsync(LabelingPipeline pipeline, IReadOnlyList<string> comments, IReadOnlyList<LabeledExample<string>> seed)
    {
        // <snippet:functions>
        var task = new LabelingTask("youtube-spam", "Is a YouTube comment spam?", ["ham", "spam"]);
        var job = new LabelingJob<string>(task, comments)
        {
            SeedSet = seed,
            Functions =
            [
                LabelingFunction.FromKeywords("subscribe", label: 1, "subscribe", "check out my channel"),
                LabelingFunction.FromRegex("link", @"https?://|www\.", label: 1),
                LabelingFunction.Create<string>("short-praise", text =>
                    text.Length < 40 && text.Contains("love", StringComparison.OrdinalIgnoreCase) ? 0 : Label.Abstain),
            ],
        };

        LabelingRun<string> run = await pipeline.RunAsync(job);
        // run.Matrix.FunctionNames holds "subscribe", "link" and "short-praise" beside the kept programs;
        // run.Functions says how each did (coverage, dev accuracy, faults, the label model's accuracy).
        // </snippet>
        return run;
    }
}
