using System.Text;

namespace Alchemist.Tests.Distillation;

public class InvariantLowerCaseTests
{
    [Fact]
    public void ToLower_EveryCodeUnit_EqualsCharToLowerInvariant()
    {
        // Twice: the first pass looks the non-ASCII code units up, the second reads them from the table.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int c = char.MinValue; c <= char.MaxValue; c++)
            {
                Assert.Equal(char.ToLowerInvariant((char)c), InvariantLowerCase.ToLower((char)c));
            }
        }
    }

    [Theory]
    [InlineData("Hello WORLD")]
    [InlineData("İstanbul ıIiİ KIRMIZI")] // Turkish dotted and dotless i: the invariant culture keeps İ, lowers I to i
    [InlineData("ΣΊΣΥΦΟΣ ß ẞ Ǆ ǅ")] // Greek final sigma, sharp s, title-case digraphs
    [InlineData("\uFEFFcheck\u00A0out\u2003MY\u3000channel")] // BOM (not white space), no-break and wide spaces
    [InlineData("𐐀𐐁 Deseret 🚨 ❤️ 👍🏽")] // surrogate pairs, lowered one code unit at a time as before
    [InlineData("\uD801 lone \uDC00 surrogates \uD801")]
    [InlineData("ÀÉÎÕÜ Ѐ Ж Ա Ⴀ Ꭰ Ａｂｃ")] // Latin-1, Cyrillic, Armenian, Georgian, Cherokee, full-width
    [InlineData("  \t\r\n  ")]
    [InlineData("")]
    public void Normalize_Text_EqualsThePerCharacterToLowerInvariantPath(string text)
    {
        var scratch = new HashedTextFeaturizer.Scratch();

        int length = HashedTextFeaturizer.Normalize(text, scratch);

        Assert.Equal(ReferenceNormalize(text), new string(scratch.Text, 0, length));
    }

    [Fact]
    public void Normalize_RandomUtf16_EqualsThePerCharacterToLowerInvariantPath()
    {
        var random = new Random(15);
        var scratch = new HashedTextFeaturizer.Scratch();
        for (int t = 0; t < 2000; t++)
        {
            var text = new StringBuilder();
            int length = random.Next(0, 60);
            for (int i = 0; i < length; i++)
            {
                // Mostly ASCII and BMP letters, with some surrogates and spaces, as real texts mix them.
                text.Append(random.Next(4) switch
                {
                    0 => (char)random.Next(0, 128),
                    1 => (char)random.Next(128, 0x3000),
                    2 => (char)random.Next(0xD800, 0xE000),
                    _ => (char)random.Next(0, char.MaxValue + 1),
                });
            }

            string s = text.ToString();
            int normalized = HashedTextFeaturizer.Normalize(s, scratch);
            Assert.Equal(ReferenceNormalize(s), new string(scratch.Text, 0, normalized));
        }
    }

    /// <summary>The normalization as it was written before the table: char.ToLowerInvariant per code unit.</summary>
    internal static string ReferenceNormalize(string text)
    {
        var buffer = new StringBuilder(" ");
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (buffer[^1] != ' ')
                {
                    buffer.Append(' ');
                }
            }
            else
            {
                buffer.Append(char.ToLowerInvariant(c));
            }
        }

        if (buffer[^1] != ' ')
        {
            buffer.Append(' ');
        }

        return buffer.ToString();
    }
}
