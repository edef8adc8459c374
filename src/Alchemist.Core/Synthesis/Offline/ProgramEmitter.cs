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
    /// <summary>The helper that splits a text into lower-cased words, as <see cref="TextProfile.SplitWords"/> does.</summary>
    /// <remarks>
    /// A word is a run of letters and decimal digits (<see cref="char.IsLetterOrDigit(char)"/>, the same characters as
    /// the pattern <c>[\p{L}\p{Nd}]+</c>). One pass over the characters: an earlier version matched that pattern with a
    /// regular expression and lower-cased each match through LINQ, which made every word-based program spend about
    /// 7 microseconds per YouTube comment on this helper alone (docs/experiments/sandbox-speed.md).
    /// </remarks>
    public const string WordsHelper = """
            /// <summary>Splits a text into words: runs of letters and digits, lower-cased.</summary>
            private static List<string> Words(string text)
            {
                var words = new List<string>();
                int start = -1;
                for (int i = 0; i < text.Length; i++)
                {
                    if (char.IsLetterOrDigit(text[i]))
                    {
                        if (start < 0)
                        {
                            start = i;
                        }
                    }
                    else if (start >= 0)
                    {
                        words.Add(text.Substring(start, i - start).ToLowerInvariant());
                        start = -1;
                    }
                }

                if (start >= 0)
                {
                    words.Add(text.Substring(start).ToLowerInvariant());
                }

                return words;
            }
        """;

    /// <summary>The helper that finds two words in a row.</summary>
    public const string ContainsPhraseHelper = """
            private static bool ContainsPhrase(List<string> words, string first, string second)
            {
                for (int i = 0; i + 1 < words.Count; i++)
                {
                    if (words[i] == first && words[i + 1] == second)
                    {
                        return true;
                    }
                }

                return false;
            }
        """;

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
        bool usesWords = heuristic.Condition.UsesWords;
        if (usesWords)
        {
            context.AddHelper(WordsHelper);
        }

        var source = new StringBuilder();
        source.Append("using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\nusing System.Text.RegularExpressions;\n\n");
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
        if (usesWords)
        {
            source.Append("        List<string> words = Words(text);\n");
        }

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
