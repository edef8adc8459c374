using System.Globalization;
using System.Text.RegularExpressions;

namespace Alchemist;

/// <summary>One concept the model listed: a short phrase that describes items of a class, and what it measures on the seed items.</summary>
/// <param name="Label">The class the model listed it for.</param>
/// <param name="Phrase">The phrase, as a program looks it up (<c>concepts["phrase"]</c>).</param>
internal sealed record ChatConcept(int Label, string Phrase)
{
    /// <summary>Gets the mean similarity of the phrase to the labeled seed items of each class, by class index (<see cref="double.NaN"/> for a class without seed items); <see langword="null"/> when not measured.</summary>
    public IReadOnlyList<double>? MeanByClass { get; init; }
}

/// <summary>
/// The concept stage's reply, parsed: one concept per line, <c>CLASS | phrase</c>, where the class is its index, its
/// name, or both as <c>name (index)</c>; also <c>CLASS: phrase</c>, and bullet lines under a heading line <c>CLASS:</c>.
/// A line may start with a bullet, a number or a table bar. Every other line is ignored; every line that names a
/// concept and is refused says why in <see cref="Problems"/>.
/// </summary>
/// <remarks>
/// The limits keep every listed phrase usable by a program as the sandbox allows (see <see cref="ConceptPhraseCollector"/>):
/// a phrase holds some text, at most <see cref="MaxPhraseCharacters"/> characters (the compiler allows
/// <see cref="ConceptPhraseCollector.MaxPhraseLength"/>), no quote, backslash or control character (so it can be
/// written as a plain C# literal); at most the options' concepts per class, and at most
/// <see cref="ConceptPhraseCollector.MaxPhrases"/> in all, so one program may name every one of them.
/// </remarks>
internal sealed partial class ChatConceptList
{
    /// <summary>The longest phrase kept, in characters: a concept is a short phrase, and every slot's prompt lists them all.</summary>
    public const int MaxPhraseCharacters = 200;

    /// <summary>The part of a reply read; the rest of a longer reply is ignored, and a problem says so.</summary>
    public const int MaxReplyCharacters = 20_000;

    /// <summary>The most problems recorded; more are counted in one last line.</summary>
    private const int MaxProblems = 20;

    private ChatConceptList(IReadOnlyList<ChatConcept> concepts, IReadOnlyList<string> problems)
    {
        Concepts = concepts;
        Problems = problems;
    }

    /// <summary>Gets the concepts kept, in reply order.</summary>
    public IReadOnlyList<ChatConcept> Concepts { get; }

    /// <summary>Gets why lines of the reply were refused or cut, one sentence each; empty when every listed concept was kept.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Parses a reply.</summary>
    /// <param name="reply">The model's reply.</param>
    /// <param name="classNames">The task's class names.</param>
    /// <param name="perClass">The most concepts kept per class.</param>
    /// <returns>The concepts kept and the problems found.</returns>
    public static ChatConceptList Parse(string reply, IReadOnlyList<string> classNames, int perClass)
    {
        var concepts = new List<ChatConcept>();
        var problems = new List<string>();
        int dropped = 0;
        void Problem(string message)
        {
            if (problems.Count < MaxProblems)
            {
                problems.Add(message);
            }
            else
            {
                dropped++;
            }
        }

        string text = reply ?? string.Empty;
        if (text.Length > MaxReplyCharacters)
        {
            text = text[..MaxReplyCharacters];
            Problem(string.Create(CultureInfo.InvariantCulture, $"The reply has {reply!.Length:N0} characters; only the first {MaxReplyCharacters:N0} were read."));
        }

        var perClassCount = new int[classNames.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int heading = -1;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"Line {i + 1}");
            string trimmed = lines[i].Trim();
            Match match, bullet;
            try
            {
                match = ConceptLine().Match(trimmed);
                bullet = BulletLine().Match(trimmed);
            }
            catch (RegexMatchTimeoutException)
            {
                Problem($"{line} could not be read in time; it was ignored.");
                continue;
            }

            int label;
            string phrase;
            string classText = match.Groups["class"].Value.Trim();
            bool colon = match.Groups["separator"].Value == ":";
            if (match.Success && classText.Any(char.IsLetterOrDigit) && (label = ResolveClass(classText, classNames)) >= 0)
            {
                phrase = match.Groups["phrase"].Value;
                if (colon && string.IsNullOrWhiteSpace(phrase))
                {
                    // "spam:" heads the bullet lines that follow it.
                    heading = label;
                    continue;
                }
            }
            else if (match.Success && !colon && classText.Any(char.IsLetterOrDigit))
            {
                Problem($"{line} names the class '{Cut(classText)}', which is neither a class index (0 to {classNames.Count - 1}) nor a class name; the line was ignored.");
                continue;
            }
            else if (bullet.Success && heading >= 0)
            {
                label = heading;
                phrase = bullet.Groups["phrase"].Value;
            }
            else
            {
                // Prose, fences and a table's separator line are not concept lines.
                continue;
            }

            phrase = Unquote(phrase.Trim().TrimEnd('|').Trim());
            if (string.IsNullOrWhiteSpace(phrase))
            {
                Problem($"{line} lists a blank phrase for class {classNames[label]}; it was ignored.");
                continue;
            }

            if (phrase.Length > MaxPhraseCharacters)
            {
                Problem(string.Create(CultureInfo.InvariantCulture, $"{line} lists a phrase of {phrase.Length:N0} characters for class {classNames[label]}, more than the {MaxPhraseCharacters} allowed; it was ignored."));
                continue;
            }

            if (phrase.Any(c => c is '"' or '\\' || char.IsControl(c)))
            {
                Problem($"{line} lists a phrase with a quote, a backslash or a control character ('{Cut(phrase)}'); it was ignored, so that every phrase can be written as a plain C# string literal.");
                continue;
            }

            if (!seen.Add(phrase))
            {
                Problem($"{line} lists '{phrase}' again; it was kept once.");
                continue;
            }

            if (perClassCount[label] >= perClass)
            {
                Problem(string.Create(CultureInfo.InvariantCulture, $"{line} lists more than {perClass} concepts for class {classNames[label]} (ChatSynthesizerOptions.ConceptsPerClass); '{phrase}' was ignored."));
                continue;
            }

            if (concepts.Count >= ConceptPhraseCollector.MaxPhrases)
            {
                Problem(string.Create(CultureInfo.InvariantCulture, $"{line}: the list already holds {ConceptPhraseCollector.MaxPhrases} concepts, as many as one program may name; '{phrase}' was ignored."));
                continue;
            }

            perClassCount[label]++;
            concepts.Add(new ChatConcept(label, phrase));
        }

        if (dropped > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{dropped} more problem(s) of the same kinds."));
        }

        return new ChatConceptList(concepts, problems);
    }

    private static int ResolveClass(string text, IReadOnlyList<string> classNames)
    {
        string value = text.Trim().Trim('[', ']', '*', '`', '"', '\'').Trim();
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return index < classNames.Count ? index : -1;
        }

        // "spam", or "spam (1)" as the program prompts write a class.
        Match named;
        try
        {
            named = NamedClass().Match(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return -1;
        }

        string name = named.Success ? named.Groups["name"].Value.Trim() : value;
        for (int k = 0; k < classNames.Count; k++)
        {
            if (string.Equals(classNames[k], name, StringComparison.OrdinalIgnoreCase) &&
                (!named.Success || !named.Groups["index"].Success || named.Groups["index"].Value == k.ToString(CultureInfo.InvariantCulture)))
            {
                return k;
            }
        }

        return -1;
    }

    private static string Unquote(string phrase)
    {
        foreach ((char open, char close) in new[] { ('"', '"'), ('\'', '\''), ('`', '`'), ('\u201C', '\u201D'), ('\u2018', '\u2019') })
        {
            if (phrase.Length >= 2 && phrase[0] == open && phrase[^1] == close)
            {
                return phrase[1..^1].Trim();
            }
        }

        return phrase;
    }

    private static string Cut(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 59), "…");

    /// <summary>A concept line: an optional table bar, bullet or number, the class, a bar (or a colon), the phrase.</summary>
    [GeneratedRegex(@"^(?:\|\s*)?(?:[-*•]\s+|\d+[.)]\s+)?(?<class>[^|:]{1,100}?)\s*(?<separator>[|:])(?<phrase>.*)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ConceptLine();

    /// <summary>A bullet or numbered line, which names a concept of the class of the heading above it (<c>spam:</c>).</summary>
    [GeneratedRegex(@"^(?:[-*•]\s+|\d+[.)]\s+)(?<phrase>.+)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BulletLine();

    /// <summary>A class written as the program prompts write it: <c>name (index)</c>.</summary>
    [GeneratedRegex(@"^(?<name>.+?)\s*(?:\((?<index>\d+)\))?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NamedClass();
}

/// <summary>What a concept slot's prompt shows: the listed concepts (measured or not) and the prototypes' means on the seed items.</summary>
/// <param name="Concepts">The concepts, in the order listed.</param>
/// <param name="SeedCounts">The number of seed items of each class the figures were measured on; <see langword="null"/> when nothing was measured.</param>
/// <param name="PrototypeMeans">By class index, the mean of <c>concepts.Prototype(k)</c> on the seed items of each class; <see langword="null"/> for a class without a prototype. Empty when nothing was measured.</param>
internal sealed record ChatConceptContext(IReadOnlyList<ChatConcept> Concepts, IReadOnlyList<int>? SeedCounts, IReadOnlyList<IReadOnlyList<double>?> PrototypeMeans)
{
    /// <summary>Gets a value indicating whether the figures were measured on seed items.</summary>
    public bool Measured => SeedCounts is not null;
}
