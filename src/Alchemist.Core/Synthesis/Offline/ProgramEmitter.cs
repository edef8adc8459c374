using System.Globalization;
using System.Text;

namespace Alchemist;

/// <summary>Writes an offline heuristic as C# source in the program format: one static class with <c>public static int Label(T item)</c>.</summary>
/// <remarks>
/// The helpers written here compute exactly what <see cref="TextProfile"/> computes in memory; the tests compile the
/// emitted source and compare its votes with the heuristic's on whole datasets.
/// </remarks>
internal static class ProgramEmitter
{
    /// <summary>The helper that finds the words of a text, as <see cref="TextProfile.SplitWords"/> splits them, without a string per word.</summary>
    /// <remarks>
    /// <para>
    /// A word is a run of letters and decimal digits (<see cref="char.IsLetterOrDigit(char)"/>, the same characters as
    /// the pattern <c>[\p{L}\p{Nd}]+</c>); the word helpers below lower-case it (<see cref="MemoryExtensions.ToLowerInvariant(ReadOnlySpan{char}, Span{char})"/>,
    /// which maps each character as <see cref="string.ToLowerInvariant()"/> does) into a buffer of the call and compare it
    /// with their words. Runs of ASCII letters and digits are skipped in one framework call (a vectorized search), so
    /// the sandbox charges a step per separator, word and non-ASCII letter rather than per character. (A set of all
    /// letters and digits would skip non-ASCII letters too, but building it from the 65,536 UTF-16 code units is charged
    /// to the first call's budget, several steps per code unit, which a small <c>StepBudget</c> would not survive.)
    /// </para>
    /// <para>
    /// An earlier helper, <c>List&lt;string&gt; Words(string text)</c>, built a list with a lower-cased copy of every word
    /// on every call (1.2-1.7 microseconds per YouTube comment sandboxed, mostly allocation and garbage collection);
    /// programs that use it still compile and vote as before, and the tests check that both vote the same on every
    /// text of three datasets and on awkward strings (docs/experiments/sandbox-speed.md).
    /// </para>
    /// </remarks>
    public const string NextWordHelper = """
            /// <summary>The ASCII letters and digits, which <c>NextWord</c> skips in bulk; other characters it tests one by one.</summary>
            private static readonly SearchValues<char> AsciiLettersAndDigits = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

            /// <summary>Finds the first word at or after <paramref name="from"/>: a run of letters and digits (<c>char.IsLetterOrDigit</c>), as its start and end (start -1 when there is none).</summary>
            private static (int Start, int End) NextWord(string text, int from)
            {
                int start = from;
                while (start < text.Length && !char.IsLetterOrDigit(text[start]))
                {
                    start++;
                }

                if (start == text.Length)
                {
                    return (-1, start);
                }

                int end = start;
                while (end < text.Length && char.IsLetterOrDigit(text[end]))
                {
                    int run = text.AsSpan(end + 1).IndexOfAnyExcept(AsciiLettersAndDigits);
                    end = run < 0 ? text.Length : end + 1 + run;
                }

                return (start, end);
            }
        """;

    /// <summary>The helper that counts the words of a text.</summary>
    public const string WordCountHelper = """
            /// <summary>Counts the words of a text: runs of letters and digits.</summary>
            private static int WordCount(string text)
            {
                int count = 0;
                for (var (start, end) = NextWord(text, 0); start >= 0; (start, end) = NextWord(text, end))
                {
                    count++;
                }

                return count;
            }
        """;

    /// <summary>The helper that finds one word in a text.</summary>
    public const string ContainsWordHelper = """
            /// <summary>Tells whether a text contains a word (runs of letters and digits, lower-cased).</summary>
            private static bool ContainsWord(string text, string word)
            {
                var lower = new char[word.Length];
                for (var (start, end) = NextWord(text, 0); start >= 0; (start, end) = NextWord(text, end))
                {
                    if (end - start == word.Length && text.AsSpan(start, end - start).ToLowerInvariant(lower) == word.Length && word.AsSpan().SequenceEqual(lower))
                    {
                        return true;
                    }
                }

                return false;
            }
        """;

    /// <summary>The helper that finds any word of a set in a text.</summary>
    public const string ContainsAnyWordHelper = """
            /// <summary>Tells whether a text contains one of some words (runs of letters and digits, lower-cased).</summary>
            private static bool ContainsAnyWord(string text, HashSet<string> words)
            {
                var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
                var lower = new char[text.Length];
                for (var (start, end) = NextWord(text, 0); start >= 0; (start, end) = NextWord(text, end))
                {
                    int length = text.AsSpan(start, end - start).ToLowerInvariant(lower);
                    if (lookup.Contains(lower.AsSpan(0, length)))
                    {
                        return true;
                    }
                }

                return false;
            }
        """;

    /// <summary>The helper that finds two words in a row.</summary>
    public const string ContainsPhraseHelper = """
            /// <summary>Tells whether a text contains two words in a row (runs of letters and digits, lower-cased).</summary>
            private static bool ContainsPhrase(string text, string first, string second)
            {
                var lower = new char[text.Length];
                bool afterFirst = false;
                for (var (start, end) = NextWord(text, 0); start >= 0; (start, end) = NextWord(text, end))
                {
                    text.AsSpan(start, end - start).ToLowerInvariant(lower.AsSpan(start));
                    ReadOnlySpan<char> word = lower.AsSpan(start, end - start);
                    if (afterFirst && word.SequenceEqual(second))
                    {
                        return true;
                    }

                    afterFirst = word.SequenceEqual(first);
                }

                return false;
            }
        """;

    /// <summary>The helper that tests the first words of a text.</summary>
    public const string StartsWithWordsHelper = """
            /// <summary>Tells whether a text starts with some words (runs of letters and digits, lower-cased).</summary>
            private static bool StartsWithWords(string text, params ReadOnlySpan<string> words)
            {
                var lower = new char[text.Length];
                int end = 0;
                foreach (string expected in words)
                {
                    (int start, end) = NextWord(text, end);
                    if (start < 0 || text.AsSpan(start, end - start).ToLowerInvariant(lower) != expected.Length || !expected.AsSpan().SequenceEqual(lower.AsSpan(0, expected.Length)))
                    {
                        return false;
                    }
                }

                return true;
            }
        """;

    /// <summary>Adds a word helper and the <see cref="NextWordHelper"/> it calls.</summary>
    public static void AddWordHelper(EmitContext context, string helper)
    {
        context.AddHelper(helper);
        context.AddHelper(NextWordHelper);
    }

    /// <summary>The helper that computes the percentage of capitals among the letters.</summary>
    public const string UppercasePercentHelper = """
            private static int UppercasePercent(string text)
            {
                int letters = text.Count(char.IsLetter);
                int upper = text.Count(char.IsUpper);
                return letters == 0 ? 0 : upper * 100 / letters;
            }
        """;

    /// <summary>Emits the source of a heuristic.</summary>
    /// <param name="heuristic">The heuristic.</param>
    /// <param name="className">The name of the class.</param>
    /// <param name="itemTypeName">The C# name of the item type: <c>string</c>, or a global-qualified type name.</param>
    /// <param name="textMember">The member of the item that holds the text, or <see langword="null"/> when the item is the text.</param>
    /// <param name="classNames">The class names of the task, for the comments.</param>
    /// <param name="itemIsValueType">Whether the item type is a value type (no null check on the item).</param>
    public static string Emit(Heuristic heuristic, string className, string itemTypeName, string? textMember, bool itemIsValueType, IReadOnlyList<string> classNames)
    {
        var context = new EmitContext();
        string condition = heuristic.Condition.Emit(context);
        var source = new StringBuilder();
        source.Append(context.Helpers.Contains(NextWordHelper) ? "using System;\nusing System.Buffers;\n" : "using System;\n");
        source.Append("using System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\nusing System.Text.RegularExpressions;\n\n");
        source.Append("/// <summary>\n");
        foreach (string line in Wrap($"Votes {classNames[heuristic.Label]} ({heuristic.Label.ToString(CultureInfo.InvariantCulture)}) when {heuristic.Condition.Describe()}; abstains (-1) otherwise.", 110))
        {
            source.Append("/// ").Append(Escape(line)).Append('\n');
        }

        foreach (string line in Wrap(heuristic.Evidence, 110))
        {
            source.Append("/// ").Append(Escape(line)).Append('\n');
        }

        source.Append("/// </summary>\n");
        source.Append("public static class ").Append(className).Append("\n{\n");
        foreach ((_, string declaration) in context.Fields)
        {
            source.Append("    private static readonly ").Append(declaration).Append("\n\n");
        }

        source.Append("    public static int Label(").Append(itemTypeName).Append(heuristic.Condition.UsesConcepts ? " item, Concepts concepts)\n    {\n" : " item)\n    {\n");
        if (textMember is null)
        {
            source.Append("        var text = item;\n");
        }
        else
        {
            source.Append("        var text = item").Append(itemIsValueType ? "." : "?.").Append(textMember).Append(";\n");
        }

        source.Append("        if (text is null)\n        {\n            return -1;\n        }\n\n");
        source.Append("        return ").Append(condition).Append(" ? ").Append(heuristic.Label.ToString(CultureInfo.InvariantCulture)).Append(" : -1;\n    }\n");
        foreach (string helper in context.Helpers)
        {
            source.Append('\n').Append(helper.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
        }

        source.Append("}\n");
        return source.ToString();
    }

    /// <summary>Writes a regular C# string literal, escaping quotes, backslashes, control and non-ASCII characters.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || c > 0x7E)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Writes a verbatim C# string literal (for regular expressions); non-ASCII characters are kept as they are.</summary>
    public static string VerbatimLiteral(string value) => "@\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (string word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
