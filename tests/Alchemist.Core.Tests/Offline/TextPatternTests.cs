using System.Text.Json;
using System.Text.RegularExpressions;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Offline;

/// <summary>The offline synthesizer's look-behind patterns find exactly what their forward forms find.</summary>
public class TextPatternTests
{
    private static readonly (string Name, string Forward)[] ForwardForms =
    [
        ("Url", @"https?://|www\.|\b[a-z0-9-]+\.(com|net|org|co\.uk|biz|info|ly)\b"),
        ("Email", @"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}"),
    ];

    private static readonly string[] Awkward =
    [
        "", ".", ".com", "a.com", "-.com", " -.com", "a-.com", "--.org", "x.com.com", "a.b.com", "foo.comx", "foo.com1",
        "Visit EXAMPLE.COM now", "\u212A.com", "caf\u00e9.com", "\u00e9.com", "_a.com", "a_.com", "www", "WWW.x", "HTTP://", "https:/",
        "bit.ly/x", "site.co.uk", "site.co.ukx", "@", "a@", "@b.co", "a@b.co", "A@B.CO", "\u212A@b.co", "\u00e9@b.co", "a@b.c", "a.@b.cd",
        "%@-.zz", "mail me: john.smith+yt@mail-server.org!", "2nite@x9.io", "x@y", "a@@b.com", "\ud835\udc00.com", "\ud835\udc00@b.co",
    ];

    [Fact]
    public void LookBehindPatterns_MatchExactlyWhereTheForwardFormsMatch()
    {
        var texts = new List<string>(Awkward);
        foreach (string dataset in new[] { "youtube", "sms", "trec" })
        {
            foreach (string split in new[] { "train", "valid", "test" })
            {
                using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.DatasetPath(dataset), split + ".json")));
                foreach (JsonProperty item in document.RootElement.EnumerateObject())
                {
                    texts.Add(item.Value.GetProperty("data").GetProperty("text").GetString()!);
                }
            }
        }

        // Random strings over the characters that matter to the two patterns (letters with special case folds, the
        // separators they look for, a supplementary letter's surrogates).
        var random = new Random(20261203);
        const string Alphabet = "aZk\u212A-._%+@ 09comnetorgbizinfoly/:wWhH\u0130\u0131\u00e9\t!\ud835\udc00";
        for (int i = 0; i < 20_000; i++)
        {
            char[] chars = new char[random.Next(1, 24)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = Alphabet[random.Next(Alphabet.Length)];
            }

            texts.Add(new string(chars));
        }

        foreach ((string name, string forward) in ForwardForms)
        {
            TextPattern pattern = TextPattern.All.Single(p => p.Name == name);
            var reference = new Regex(forward, pattern.Options);
            int matched = 0;
            foreach (string text in texts)
            {
                bool expected = reference.IsMatch(text);
                Assert.True(expected == pattern.Regex.IsMatch(text), $"{name} on \"{text}\": the forward form says {expected}");
                matched += expected ? 1 : 0;
            }

            Assert.InRange(matched, 20, texts.Count - 20);
        }
    }
}
