// good: a StringBuilder that normalizes text before matching
// sample: 1 <= S.u.b.s.c.r.i.b.e to me
// sample: -1 <= nice
using System.Text;

public static class Normalizer
{
    public static int Label(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c) || c == ' ')
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        string normalized = sb.ToString();
        return normalized.Contains("subscribe") ? 1 : -1;
    }
}
