using System.Globalization;

namespace Alchemist;

/// <summary>A score a concept program reads: one class's prototype, a zero-shot phrase, or a margin between two such scores; the class it speaks for.</summary>
/// <param name="Expression">The C# expression over <c>concepts</c> a program computes it with.</param>
/// <param name="Description">The score in words.</param>
/// <param name="Label">The class it speaks for.</param>
/// <param name="Read">Computes it in memory from an item's scores, with the same arithmetic as <paramref name="Expression"/>.</param>
/// <param name="IsPrototype">Whether it is the plain prototype score of <paramref name="Label"/>, <c>concepts.Prototype(Label)</c> (the nearest-prototype stand-in of <see cref="OfflineSynthesizerOptions.FewSeedPrototypeCheck"/> reads these).</param>
internal sealed record ConceptFeature(string Expression, string Description, int Label, Func<Concepts, double> Read, bool IsPrototype = false);

/// <summary>A concept score of the item is at least a threshold chosen on the seed items.</summary>
internal sealed class ConceptCondition(int index, ConceptFeature feature, double threshold) : Condition
{
    public ConceptFeature Feature { get; } = feature;

    public double Threshold { get; } = threshold;

    public override string Key => string.Create(CultureInfo.InvariantCulture, $"concept:{Feature.Expression}>={Threshold:R}");

    public override bool UsesConcepts => true;

    public override bool Matches(TextProfile profile) => profile.ConceptValues is { } values && values[index] >= Threshold;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Feature.Description} is at least {Threshold:0.###}");

    public override string Emit(EmitContext context) => $"{Feature.Expression} >= {Literal(Threshold)}";

    private static string Literal(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}

/// <summary>Builds the concept features the offline synthesizer mines over: class prototypes and zero-shot phrases made from the class names and the task description.</summary>
internal static class ConceptFeatures
{
    /// <summary>Gets the zero-shot phrases of a task, per class: the class name, and the class name after the task's first sentence.</summary>
    public static string[][] ZeroShotPhrases(LabelingTask task)
    {
        string topic = task.Description.Split('.', 2)[0].Trim();
        return [.. task.ClassNames.Select(name =>
        {
            string lower = name.Trim().ToLowerInvariant();
            return topic.Length == 0 || topic.Length > 200 ? new[] { lower } : [lower, $"{topic}: {lower}"];
        })];
    }

    /// <summary>Gets the features: each class's prototype and its margin over the others, each phrase and its margin over the same template of the other classes.</summary>
    public static List<ConceptFeature> Create(LabelingTask task, int prototypeCount, IReadOnlyList<bool> hasPrototype, string[][] phrases)
    {
        int classes = task.ClassCount;
        var features = new List<ConceptFeature>();
        for (int k = 0; k < classes && k < prototypeCount; k++)
        {
            if (!hasPrototype[k])
            {
                continue;
            }

            int label = k;
            string name = task.ClassNames[k];
            features.Add(new ConceptFeature($"concepts.Prototype({k})", $"the similarity to the {name} seed examples", k, c => c.Prototype(label), IsPrototype: true));
            int[] others = [.. Enumerable.Range(0, Math.Min(classes, prototypeCount)).Where(j => j != k && hasPrototype[j])];
            if (others.Length > 0)
            {
                features.Add(new ConceptFeature(
                    $"concepts.Prototype({k}) - {MaxOf(others.Select(j => $"concepts.Prototype({j})"))}",
                    $"the similarity to the {name} seed examples minus that to the closest other class's",
                    k,
                    c => c.Prototype(label) - others.Select(j => c.Prototype(j)).Aggregate(Math.Max)));
            }
        }

        for (int k = 0; k < classes; k++)
        {
            for (int t = 0; t < phrases[k].Length; t++)
            {
                string phrase = phrases[k][t];
                string literal = ProgramEmitter.Literal(phrase);
                features.Add(new ConceptFeature($"concepts[{literal}]", $"the similarity to \"{phrase}\"", k, c => c[phrase]));
                string[] rivals = [.. Enumerable.Range(0, classes).Where(j => j != k && phrases[j].Length > t).Select(j => phrases[j][t])];
                if (rivals.Length > 0)
                {
                    features.Add(new ConceptFeature(
                        $"concepts[{literal}] - {MaxOf(rivals.Select(r => $"concepts[{ProgramEmitter.Literal(r)}]"))}",
                        $"the similarity to \"{phrase}\" minus that to {string.Join(" or ", rivals.Select(r => $"\"{r}\""))}",
                        k,
                        c => c[phrase] - rivals.Select(r => c[r]).Aggregate(Math.Max)));
                }
            }
        }

        return features;
    }

    /// <summary>Writes the maximum of expressions as nested Math.Max calls, as <see cref="Enumerable.Aggregate{TSource}(IEnumerable{TSource}, Func{TSource, TSource, TSource})"/> folds it.</summary>
    private static string MaxOf(IEnumerable<string> expressions) => expressions.Aggregate((acc, next) => $"Math.Max({acc}, {next})");

    /// <summary>Chooses the thresholds to try for a feature: its values on the seed items of its class, at most <paramref name="most"/> of them spread over their range.</summary>
    public static IEnumerable<double> Thresholds(IReadOnlyList<double> classValues, int most)
    {
        double[] sorted = [.. classValues.Where(double.IsFinite).Distinct().Order()];
        if (sorted.Length <= most)
        {
            return sorted;
        }

        return Enumerable.Range(0, most).Select(i => sorted[(int)((long)i * (sorted.Length - 1) / (most - 1))]).Distinct();
    }
}
