using System.Globalization;
using System.Text;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Offline;

/// <summary>
/// The word helpers the emitter writes now (<see cref="ProgramEmitter.NextWordHelper"/> and the helpers that call it)
/// against the <c>Words</c> helper that earlier programs carry (a list of lower-cased copies of the words): one
/// sandboxed program holds both and reports the first difference, over every text of three datasets, every UTF-16
/// code unit and awkward strings.
/// </summary>
public class WordHelperEquivalenceTests
{
    /// <summary>The helper as programs emitted before 2026-12-04 carry it, verbatim.</summary>
    private const string OldWordsHelper = """
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

    /// <summary>The phrase helper of earlier programs, verbatim.</summary>
    private const string OldContainsPhraseHelper = """
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

    /// <summary>
    /// Words to look for: from the data, plus lower-cased forms whose upper-case or look-alike sources (Turkish dotted and
    /// dotless i, the Kelvin and Ångström signs, sharp s, final sigma, full-width and Cherokee letters, Arabic-Indic
    /// digits) are where invariant lower-casing is least obvious.
    /// </summary>
    private static readonly string[] Probes =
    [
        "check", "out", "subscribe", "my", "on", "i", "love", "the", "k", "ı", "i\u0307", "å", "straße", "ss", "σ", "ς", "é",
        "ａｂｃ", "\uab70", "١٢٣", "123", "2", "0", "ǆ", "love\u200d", "song", "call", "free", "what", "who",
    ];

    private static readonly string[][] CueSets =
    [
        ["check", "out", "money", "on", "subscribe", "please", "my", "channel"],
        ["k", "ı", "i", "straße", "é", "σ", "ς"],
        ["free", "txt", "call", "claim", "www", "com"],
    ];

    private static readonly (string First, string Second)[] Phrases =
    [
        ("i", "love"), ("check", "out"), ("my", "channel"), ("what", "is"), ("k", "k"), ("ı", "i"), ("é", "é"),
    ];

    private static readonly ILabelingFunction<string> Equivalence = SandboxProgramCompiler.Compile<string>([EquivalenceProgram()])[0];

    public static TheoryData<string> Datasets => new() { "youtube", "sms", "trec" };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void NewHelpers_EveryTextOfADataset_AgreeWithTheOldWordsHelper(string name)
    {
        WrenchDataset dataset = TestData.Load(name);
        string[] texts = [.. new[] { dataset.Train, dataset.Valid!, dataset.Test! }.SelectMany(s => s.Texts).Select(t => t ?? string.Empty)];

        AssertAgree(texts);
    }

    [Fact]
    public void NewHelpers_EveryUtf16CodeUnitAloneAndInsideWords_AgreeWithTheOldWordsHelper()
    {
        var texts = new List<string>();
        for (int c = 0; c <= char.MaxValue; c++)
        {
            string s = ((char)c).ToString();
            texts.Add(s);
            texts.Add("I" + s + "k " + s + "LOVE " + s);
        }

        AssertAgree(texts);
    }

    [Fact]
    public void NewHelpers_AwkwardStrings_AgreeWithTheOldWordsHelper()
    {
        string[] texts =
        [
            string.Empty, " ", "   \t\n", "CHECK", "Check it OUT!!", "İstanbul ıI İ ı I i", "\u212A \u212Aelvin chec\u212A", "\u212B \u00C5",
            "STRASSE Straße ẞ", "ΣΊΣΥΦΟΣ σίσυφος ς", "\uD83D\uDE00 smile\uD83D\uDE00check", "\uD800check\uDC00 \uDC00\uD800", "\U00010400\U00010428 deseret",
            "١٢٣ 123 ²³ ½ Ⅻ ⅻ", "ǅ ǆ Ǆ", "e\u0301 é café", "love\u200dyou i\u200blove", "\u00A0check\u00A0", "check\uFEFF", "ＡＢＣ ａｂｃ",
            "\u13A0\u13A1 \uAB70", "Ⓐ ⓐ", "i LOVE", "I love", "I", "i", "love", "I  LOVE  THIS", "2 2 2", "0", new string('a', 10_000),
            string.Join(' ', Enumerable.Repeat("On", 2_000)), "my", "MY", "My channel", "what is", "WHO", "a1b2 c3", "\u0130 \u0131 \u0049 \u0069",
        ];

        AssertAgree(texts);
    }

    [Fact]
    public void NewHelpers_RandomStrings_AgreeWithTheOldWordsHelper()
    {
        // Letters, digits, separators, surrogates and the characters whose lower case is special, mixed.
        const string alphabet = "aAzZ09 .,!\t\u0130\u0131\u212A\u212B\u00DF\u1E9E\u03A3\u03C3\u03C2\u00C9\u00E9\u0301\u200D\uFEFF\uFF21\u13A0\uAB70\u0661\u00B2\u01C5\uD83D\uDE00\uD800\uDC00Ik";
        var random = new Random(20261204);
        var texts = new List<string>();
        for (int n = 0; n < 20_000; n++)
        {
            var builder = new StringBuilder();
            int length = random.Next(0, 40);
            for (int i = 0; i < length; i++)
            {
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            }

            texts.Add(builder.ToString());
        }

        AssertAgree(texts);
    }

    [Fact]
    public void OldFormatProgram_StillCompilesAndVotesLikeTheNewOne()
    {
        string oldSource = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Text;
            using System.Text.RegularExpressions;

            public static class OfflineHeuristic02
            {
                private static readonly HashSet<string> Cues = new(StringComparer.Ordinal) { "check", "out", "money", "on", "subscribe", "please", "my", "channel" };

                public static int Label(string item)
                {
                    var text = item;
                    if (text is null)
                    {
                        return -1;
                    }

                    List<string> words = Words(text);
                    return words.Exists(Cues.Contains) ? 1 : -1;
                }

            """ + OldWordsHelper + "\n}\n";
        var heuristic = new Heuristic(new AnyWordCondition(CueSets[0]), 1, 10, 9, 0.9, 120, 0.3, 1000);
        string newSource = ProgramEmitter.Emit(heuristic, "OfflineHeuristic02", "string", null, itemIsValueType: false, ["ham", "spam"]);
        IReadOnlyList<ILabelingFunction<string>> functions = SandboxProgramCompiler.Compile<string>(
            [new LabelingProgram("old", oldSource, new ProgramProvenance { Synthesizer = "offline" }), new LabelingProgram("new", newSource, new ProgramProvenance { Synthesizer = "offline" })]);
        string[] texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t ?? string.Empty)];

        Assert.All(texts, t => Assert.Equal(functions[0].Apply(t), functions[1].Apply(t)));
        Assert.Contains(texts, t => functions[1].Apply(t) == 1);
        Assert.Contains(texts, t => functions[1].Apply(t) == -1);
    }

    private static void AssertAgree(IEnumerable<string> texts)
    {
        foreach (string text in texts)
        {
            int difference = Equivalence.Apply(text);
            Assert.True(difference == 0, $"The helpers differ (code {difference}) on \"{Escape(text)}\".");
        }
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text.Length > 200 ? text[..200] : text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return builder.ToString();
    }

    /// <summary>
    /// A program with both sets of helpers whose <c>Label</c> returns 0 when they agree on a text and a code naming the
    /// first difference otherwise: 1 the words themselves (through <c>NextWord</c> and the lower-cased text), 2 the
    /// count, 100 + p a probe word, 200 + s a cue set, 300 + p a phrase, 400 + p a one-word prefix, 500 + p a two-word prefix.
    /// </summary>
    private static LabelingProgram EquivalenceProgram()
    {
        static string List(IEnumerable<string> values) => string.Join(", ", values.Select(ProgramEmitter.Literal));
        string source = $$"""
            using System;
            using System.Buffers;
            using System.Collections.Generic;
            using System.Linq;

            public static class WordHelperEquivalence
            {
                private static readonly string[] Probes = { {{List(Probes)}} };
                private static readonly string[] Firsts = { {{List(Phrases.Select(p => p.First))}} };
                private static readonly string[] Seconds = { {{List(Phrases.Select(p => p.Second))}} };
                private static readonly HashSet<string>[] CueSets = { {{string.Join(", ", CueSets.Select(s => $"new HashSet<string>(StringComparer.Ordinal) {{ {List(s)} }}"))}} };

                public static int Label(string text)
                {
                    List<string> words = Words(text);
                    string lower = text.ToLowerInvariant();
                    int index = 0;
                    for (var (start, end) = NextWord(text, 0); start >= 0; (start, end) = NextWord(text, end))
                    {
                        if (index >= words.Count || !lower.AsSpan(start, end - start).SequenceEqual(words[index]))
                        {
                            return 1;
                        }

                        index++;
                    }

                    if (index != words.Count || WordCount(text) != words.Count)
                    {
                        return index != words.Count ? 1 : 2;
                    }

                    for (int p = 0; p < Probes.Length; p++)
                    {
                        if (ContainsWord(text, Probes[p]) != words.Contains(Probes[p]))
                        {
                            return 100 + p;
                        }

                        if (StartsWithWords(text, Probes[p]) != (words.Count >= 1 && words[0] == Probes[p]))
                        {
                            return 400 + p;
                        }
                    }

                    for (int s = 0; s < CueSets.Length; s++)
                    {
                        if (ContainsAnyWord(text, CueSets[s]) != words.Exists(CueSets[s].Contains))
                        {
                            return 200 + s;
                        }
                    }

                    for (int p = 0; p < Firsts.Length; p++)
                    {
                        if (ContainsPhrase(text, Firsts[p], Seconds[p]) != ContainsPhrase(words, Firsts[p], Seconds[p]))
                        {
                            return 300 + p;
                        }

                        if (StartsWithWords(text, Firsts[p], Seconds[p]) != (words.Count >= 2 && words[0] == Firsts[p] && words[1] == Seconds[p]))
                        {
                            return 500 + p;
                        }
                    }

                    return 0;
                }

            {{OldWordsHelper}}

            {{OldContainsPhraseHelper}}

            {{ProgramEmitter.NextWordHelper}}

            {{ProgramEmitter.WordCountHelper}}

            {{ProgramEmitter.ContainsWordHelper}}

            {{ProgramEmitter.ContainsAnyWordHelper}}

            {{ProgramEmitter.ContainsPhraseHelper}}

            {{ProgramEmitter.StartsWithWordsHelper}}
            }
            """;
        return new LabelingProgram("word-helper-equivalence", source, new ProgramProvenance { Synthesizer = "test" });
    }
}
