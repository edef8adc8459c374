namespace Alchemist;

/// <summary>Represents what the offline heuristics read from one text: the text, its lower-cased words and a few counts, computed once.</summary>
/// <remarks>
/// Every value here is computed exactly as the helper methods that <see cref="ProgramEmitter"/> writes into the programs
/// compute it (see <see cref="ProgramEmitter.NextWordHelper"/> and friends), so a heuristic and its program agree on every
/// text. The tests check that on whole datasets.
/// </remarks>
internal sealed class TextProfile
{
    private readonly int[] _counts;

    private TextProfile(string text, string[] words)
    {
        Text = text;
        Words = words;
        WordSet = new HashSet<string>(words, StringComparer.Ordinal);
        int letters = text.Count(char.IsLetter);
        int upper = text.Count(char.IsUpper);
        _counts =
        [
            text.Length,
            words.Length,
            text.Count(char.IsDigit),
            text.Count(c => c == '!'),
            letters == 0 ? 0 : upper * 100 / letters,
        ];
    }

    /// <summary>Gets the original text.</summary>
    public string Text { get; }

    /// <summary>Gets the words: maximal runs of letters and digits, each character lower-cased (invariant culture), in order.</summary>
    public string[] Words { get; }

    /// <summary>Gets the item's concept features (<see cref="ConceptFeature"/>), in the miner's order, or <see langword="null"/> when the run has no concept scores.</summary>
    public double[]? ConceptValues { get; set; }

    /// <summary>Gets the distinct words.</summary>
    public HashSet<string> WordSet { get; }

    /// <summary>Creates the profile of a text.</summary>
    public static TextProfile Create(string text) => new(text, SplitWords(text));

    /// <summary>Splits a text into lower-cased words as the emitted word helpers (<c>NextWord</c>, <see cref="ProgramEmitter.NextWordHelper"/>) find them.</summary>
    public static string[] SplitWords(string text)
    {
        var words = new List<string>();
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        int length = 0;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
            else if (length > 0)
            {
                words.Add(new string(buffer[..length]));
                length = 0;
            }
        }

        if (length > 0)
        {
            words.Add(new string(buffer[..length]));
        }

        return [.. words];
    }

    /// <summary>Gets the value of a count feature, as the emitted code computes it.</summary>
    public int Count(CountFeature feature) => _counts[(int)feature];
}
