// good: interpolated strings in every place the compiler turns them into handlers: strings, StringBuilder.Append, constant alignments
// family: 3
// sample: 1 <= alpha beta gamma
// sample: -1 <= one
using System.Text;

public static class InterpolationEverywhere
{
    private const int Width = 12;

    public static int Label(string text)
    {
        string[] words = text.Split(' ');
        var sb = new StringBuilder();
        foreach (string word in words)
        {
            sb.Append($"[{word,Width}|{word.Length:D3}]");
        }

        string line = $"{words.Length} words, {sb.Length,-6} chars: {sb}";
        return line.StartsWith("3 words", StringComparison.Ordinal) ? 1 : -1;
    }
}
