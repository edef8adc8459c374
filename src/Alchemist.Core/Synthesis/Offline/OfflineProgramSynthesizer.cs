using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Alchemist;

/// <summary>An <see cref="IProgramSynthesizer"/> that needs no LLM: it mines heuristics from labeled examples and emits each as a C# program.</summary>
/// <remarks>
/// <para>
/// From <see cref="SynthesisRequest{TItem}.Examples"/> (the dev split, or a few items a user labeled) and, when given,
/// <see cref="SynthesisRequest{TItem}.UnlabeledSample"/>, it mines candidate heuristics in the spirit of Snuba (Varma and
/// Ré, VLDB 2019): word, phrase and first-word presence, patterns for URLs, numbers, phone numbers, money, casing and
/// punctuation, thresholds on length, digits and capitals, and pairs of those. It keeps the precise ones (a minimum
/// support and a lower confidence bound on precision, lifted above the class's share), drops redundant ones, balances the
/// classes and stops at <see cref="SynthesisRequest{TItem}.ProgramCount"/>. Each heuristic votes its class only where its
/// condition holds and abstains elsewhere.
/// </para>
/// <para>
/// Each heuristic is emitted as C# source in the program format, with provenance (synthesizer <c>offline</c>, the
/// heuristic in words, the evidence for it, the time), so it goes through the same sandbox, gate, library and report as
/// an LLM's programs. The programs behave exactly like the heuristics they come from. Items are strings, or any type
/// whose text is a public member named by <see cref="OfflineSynthesizerOptions.TextMember"/>.
/// </para>
/// <para>
/// The output depends only on the request and the options (apart from <see cref="ProgramProvenance.CreatedAt"/>): the
/// same inputs give the same programs. When the request has a validator, a program it rejects is skipped, and the
/// request's log (a run's) records it as <see cref="SynthesisOutcome.FailedValidation"/> with the validator's problems,
/// so the run's report says what was dropped and why; every emitted program is recorded as
/// <see cref="SynthesisOutcome.Accepted"/>. Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class OfflineProgramSynthesizer : IProgramSynthesizer
{
    /// <summary>The name of this synthesizer, recorded in provenance: <c>"offline"</c>.</summary>
    public const string SynthesizerName = "offline";

    /// <summary>The match timeout of every regular expression in the emitted programs.</summary>
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly OfflineSynthesizerOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="OfflineProgramSynthesizer"/> class.</summary>
    /// <param name="options">The options; the defaults when <see langword="null"/>. They are copied here.</param>
    /// <param name="timeProvider">The clock for <see cref="ProgramProvenance.CreatedAt"/>; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public OfflineProgramSynthesizer(OfflineSynthesizerOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = OptionsValidation.ThrowIfInvalid(new OfflineSynthesizerOptionsValidator(), options ?? new OfflineSynthesizerOptions(), nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => SynthesizerName;

    /// <summary>Gets a value indicating that the offline synthesizer works in this process and calls no service: <see langword="true"/>.</summary>
    public bool IsLocal => true;

    /// <summary>Gets the options the synthesizer mines with.</summary>
    internal OfflineSynthesizerOptions Options => _options;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request has no examples, an example's label is not a class of the task, or the item type is not a string and has no public string member named by <see cref="OfflineSynthesizerOptions.TextMember"/>.</exception>
    public IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Func<TItem, string?> textOf = TextAccessor<TItem>();
        if (request.Examples.Count == 0)
        {
            throw new ArgumentException("The offline synthesizer mines programs from labeled examples, and the request has none; add some to SynthesisRequest.Examples (for example the dev split).", nameof(request));
        }

        foreach (LabeledExample<TItem> example in request.Examples)
        {
            if (!Label.IsClass(example.Label, request.Task.ClassCount))
            {
                throw new ArgumentException($"An example has label {example.Label}; labels must be class indices in 0..{request.Task.ClassCount - 1}.", nameof(request));
            }
        }

        return SynthesizeCoreAsync(request, textOf, cancellationToken);
    }

    /// <summary>Gets the indices of the unlabeled items <see cref="Mine"/> reads (the items whose concept scores it reads) among <paramref name="count"/> items: every item up to <see cref="OfflineSynthesizerOptions.MaximumUnlabeledSample"/>, else an even stride.</summary>
    internal IEnumerable<int> UnlabeledSampleIndices(int count)
    {
        int step = Math.Max(1, (count + _options.MaximumUnlabeledSample - 1) / _options.MaximumUnlabeledSample);
        for (int i = 0; i < count; i += step)
        {
            yield return i;
        }
    }

    /// <summary>Mines the heuristics of a request, in memory, without emitting them.</summary>
    internal IReadOnlyList<Heuristic> Mine<TItem>(SynthesisRequest<TItem> request, Func<TItem, string?> textOf, CancellationToken cancellationToken)
    {
        TextProfile[] examples = [.. request.Examples.Select(e => TextProfile.Create(textOf(e.Item) ?? string.Empty))];
        int[] labels = [.. request.Examples.Select(e => e.Label)];
        IReadOnlyList<TItem> sample = request.UnlabeledSample;
        int step = (sample.Count + _options.MaximumUnlabeledSample - 1) / _options.MaximumUnlabeledSample;
        var unlabeled = new List<TextProfile>();
        for (int i = 0; i < sample.Count; i += Math.Max(1, step))
        {
            unlabeled.Add(TextProfile.Create(textOf(sample[i]) ?? string.Empty));
        }

        List<ConceptFeature>? features = null;
        double[]? shares = null;
        if (request.Concepts is { } scores)
        {
            IReadOnlyList<float[]?> prototypes = scores.Table.PrototypeColumns;
            string[][] phrases = ConceptFeatures.ZeroShotPhrases(request.Task);
            features = ConceptFeatures.Create(request.Task, prototypes.Count, [.. prototypes.Select(p => p is not null)], [.. phrases.Select(p => p.Where(scores.Table.Contains).ToArray())]);
            SetConceptValues(examples, request.Examples.Select(e => e.Item), scores, features);
            TItem[] sampled = [.. Enumerable.Range(0, unlabeled.Count).Select(i => sample[i * Math.Max(1, step)])];
            SetConceptValues(unlabeled, sampled, scores, features);
            if (_options.EstimateFewSeedConcepts && _options.FewSeedShare == FewSeedClassShare.NearestPrototype)
            {
                shares = NearestPrototypeShares(sampled.Where(item => scores.TryGetRow(item, out _)).Select(scores.For), request.Task.ClassCount, [.. prototypes.Select(p => p is not null)]);
            }
        }

        return new HeuristicMiner(_options).Mine(examples, labels, unlabeled, request.Task.ClassCount, request.ProgramCount, cancellationToken, features, shares);
    }

    /// <summary>
    /// Gets each class's share of the items whose most similar class prototype is that class's (ties to the lower class
    /// index); a class without a prototype has none. <see langword="null"/> when no item or no prototype is given.
    /// </summary>
    /// <param name="items">The items' concept scores.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="hasPrototype">Whether each class (by index, up to the prototypes the scores have) has a prototype.</param>
    internal static double[]? NearestPrototypeShares(IEnumerable<Concepts> items, int classCount, IReadOnlyList<bool> hasPrototype)
    {
        int[] classes = [.. Enumerable.Range(0, Math.Min(classCount, hasPrototype.Count)).Where(k => hasPrototype[k])];
        var counts = new double[classCount];
        int total = 0;
        foreach (Concepts concepts in items)
        {
            if (classes.Length == 0)
            {
                break;
            }

            int best = classes[0];
            double bestValue = concepts.Prototype(best);
            foreach (int k in classes.AsSpan(1))
            {
                double value = concepts.Prototype(k);
                if (value > bestValue)
                {
                    (best, bestValue) = (k, value);
                }
            }

            counts[best]++;
            total++;
        }

        return total == 0 ? null : [.. counts.Select(c => c / total)];
    }

    /// <summary>Computes the concept features of each profile from its item's scores; an item the run did not embed has none, and no concept condition holds on it.</summary>
    private static void SetConceptValues<TItem>(IReadOnlyList<TextProfile> profiles, IEnumerable<TItem> items, ConceptScores<TItem> scores, List<ConceptFeature> features)
    {
        int i = 0;
        foreach (TItem item in items)
        {
            if (scores.TryGetRow(item, out _))
            {
                Concepts concepts = scores.For(item);
                profiles[i].ConceptValues = [.. features.Select(f => f.Read(concepts))];
            }

            i++;
        }
    }

    /// <summary>Gets how the synthesizer reads the text of an item: the item itself, or its <see cref="OfflineSynthesizerOptions.TextMember"/>.</summary>
    internal Func<TItem, string?> TextAccessor<TItem>()
    {
        if (typeof(TItem) == typeof(string) && _options.TextMember is null)
        {
            return static item => (string?)(object?)item;
        }

        if (_options.TextMember is null)
        {
            throw new ArgumentException($"Items of type {typeof(TItem).Name} are not strings; set OfflineSynthesizerOptions.TextMember to the public string property or field that holds their text.");
        }

        MemberInfo? member = (MemberInfo?)typeof(TItem).GetProperty(_options.TextMember, BindingFlags.Public | BindingFlags.Instance) ?? typeof(TItem).GetField(_options.TextMember, BindingFlags.Public | BindingFlags.Instance);
        switch (member)
        {
            case PropertyInfo { PropertyType: var type, CanRead: true } property when type == typeof(string) && property.GetMethod!.IsPublic:
                return item => item is null ? null : (string?)property.GetValue(item);
            case FieldInfo { FieldType: var type } field when type == typeof(string):
                return item => item is null ? null : (string?)field.GetValue(item);
            default:
                throw new ArgumentException($"The type {typeof(TItem).Name} has no public readable string property or field named '{_options.TextMember}'; set OfflineSynthesizerOptions.TextMember to the member that holds the text.");
        }
    }

    /// <summary>
    /// Explains, for a report, why the synthesizer wrote no program from seed labels <paramref name="labels"/>: how many
    /// seed items of each class a heuristic must match to be kept, and what would help.
    /// </summary>
    /// <param name="labels">The labels of the request's examples (class indices).</param>
    /// <param name="classNames">The class names.</param>
    internal string NothingWrittenWarning(IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        int n = labels.Count;
        int[] counts = new int[classNames.Count];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        var miner = new HeuristicMiner(_options);
        int[] needed = [.. counts.Select(c => c == 0 ? -1 : miner.SmallestFlawlessSupport((double)c / n))];
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string have = string.Join(", ", counts.Select((c, k) => string.Create(invariant, $"{c} {classNames[k]}")));
        string need = string.Join(
            ", ",
            Enumerable.Range(0, counts.Length)
                .Where(k => needed[k] > 0)
                .Select(k => string.Create(invariant, $"{needed[k]} {classNames[k]} items (floor {miner.Threshold((double)counts[k] / n):0.00})")));
        string help = "Label more items (about 100, with every class among them), or add an LLM synthesizer, which writes programs from the task description alone.";
        string[] missing = [.. Enumerable.Range(0, counts.Length).Where(k => counts[k] == 0).Select(k => classNames[k])];
        string missingText = missing.Length == 0 ? string.Empty : $" No seed item is labeled {string.Join(" or ", missing)}, so no heuristic can vote {(missing.Length == 1 ? "that class" : "those classes")}.";
        bool impossible = Enumerable.Range(0, counts.Length).All(k => needed[k] < 0 || counts[k] < needed[k]);
        string rule = need.Length == 0
            ? string.Empty
            : string.Create(invariant, $" A heuristic right on every seed item it matches must match at least {need} for the {_options.Confidence:0%} lower bound on its precision to reach its class's floor.");
        return impossible
            ? $"The offline synthesizer wrote no program: {n} seed labels ({have}) are too few for any heuristic to be shown precise.{rule}{missingText} {help}"
            : $"The offline synthesizer wrote no program: no heuristic it mined from the {n} seed labels ({have}) was precise enough, or the sandbox rejected those that were.{rule}{missingText} {help}";
    }

    /// <summary>Emits one heuristic as a program.</summary>
    internal LabelingProgram ToProgram<TItem>(Heuristic heuristic, int number, LabelingTask task)
    {
        string className = "OfflineHeuristic" + number.ToString("D2", CultureInfo.InvariantCulture);
        string itemType = typeof(TItem) == typeof(string) && _options.TextMember is null ? "string" : CSharpTypeName(typeof(TItem));
        string source = ProgramEmitter.Emit(heuristic, className, itemType, _options.TextMember, typeof(TItem).IsValueType, task.ClassNames);
        string name = $"offline-{number.ToString("D2", CultureInfo.InvariantCulture)}-{Slug(task.ClassNames[heuristic.Label])}";
        var provenance = new ProgramProvenance
        {
            Synthesizer = SynthesizerName,
            CreatedAt = _timeProvider.GetUtcNow(),
            Description = $"Votes {task.ClassNames[heuristic.Label]} when {heuristic.Condition.Describe()}. {heuristic.Evidence}",
        };
        return new LabelingProgram(name, source, provenance);
    }

    private async IAsyncEnumerable<LabelingProgram> SynthesizeCoreAsync<TItem>(SynthesisRequest<TItem> request, Func<TItem, string?> textOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.Concepts is { } scores)
        {
            // The zero-shot phrases are embedded before mining, as every phrase of a concept program is before it runs.
            await scores.AddPhrasesAsync(ConceptFeatures.ZeroShotPhrases(request.Task).SelectMany(p => p), cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<Heuristic> heuristics = Mine(request, textOf, cancellationToken);
        int number = 0;
        foreach (Heuristic heuristic in heuristics)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LabelingProgram program = ToProgram<TItem>(heuristic, ++number, request.Task);
            DateTimeOffset startedAt = _timeProvider.GetUtcNow();
            long started = _timeProvider.GetTimestamp();
            var record = new SynthesisAttempt
            {
                Slot = number - 1,
                Outcome = SynthesisOutcome.Accepted,
                ProgramName = program.Name,
                Program = program,
                Message = "Accepted.",
                StartedAt = startedAt,
            };
            if (request.Validator is not null)
            {
                ProgramValidation validation = await request.Validator.ValidateAsync(program, cancellationToken).ConfigureAwait(false);
                if (!validation.IsValid)
                {
                    // The synthesizer cannot repair a mined program: it is dropped, and the run's log says which and why.
                    IReadOnlyList<string> problems = validation.Problems.Count > 0 ? validation.Problems : ["The validator rejected the program without a message."];
                    request.Log?.Add(record with
                    {
                        Outcome = SynthesisOutcome.FailedValidation,
                        Problems = problems,
                        Message = string.Create(
                            CultureInfo.InvariantCulture,
                            $"The program of mined heuristic {number} failed validation with {problems.Count} problem(s); the offline synthesizer does not repair programs, so it was dropped."),
                        Duration = _timeProvider.GetElapsedTime(started),
                    });
                    continue;
                }
            }

            request.Log?.Add(record with { Duration = _timeProvider.GetElapsedTime(started) });
            yield return program;
        }
    }

    private static string CSharpTypeName(Type type)
    {
        if (type.IsGenericType || type.IsArray || type.IsPointer || type.FullName is null)
        {
            throw new ArgumentException($"The offline synthesizer writes programs over named, non-generic item types; {type} is not one. Wrap the items in a record with a text member.");
        }

        return "global::" + type.FullName.Replace('+', '.');
    }

    private static string Slug(string className)
    {
        var slug = new StringBuilder();
        foreach (char c in className.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        string result = slug.ToString().Trim('-');
        return result.Length == 0 ? "class" : result[..Math.Min(result.Length, 40)];
    }
}
