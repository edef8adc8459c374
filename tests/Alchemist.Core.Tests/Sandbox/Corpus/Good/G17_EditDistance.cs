// good: Levenshtein distance with a two-dimensional array against a keyword list
// sample: 1 <= subscrbe
// sample: -1 <= banana
using System;

public static class Typos
{
    private static readonly string[] Keywords = { "subscribe", "channel" };

    public static int Label(string text)
    {
        foreach (string word in text.ToLowerInvariant().Split(' '))
        {
            foreach (string keyword in Keywords)
            {
                if (Math.Abs(word.Length - keyword.Length) <= 2 && Distance(word, keyword) <= 2)
                {
                    return 1;
                }
            }
        }

        return -1;
    }

    private static int Distance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[a.Length, b.Length];
    }
}
