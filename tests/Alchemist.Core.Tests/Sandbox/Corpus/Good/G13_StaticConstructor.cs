// good: a static constructor that fills a lookup table once
// sample: 1 <= promo code inside
// sample: -1 <= just a comment
using System.Collections.Generic;

public static class StaticInit
{
    private static readonly Dictionary<string, int> Lookup;

    static StaticInit()
    {
        Lookup = new Dictionary<string, int>();
        string[] spam = { "promo", "discount", "coupon", "code" };
        foreach (string word in spam)
        {
            Lookup[word] = 1;
        }
    }

    public static int Label(string text)
    {
        int score = 0;
        foreach (string word in text.ToLowerInvariant().Split(' '))
        {
            if (Lookup.TryGetValue(word, out int value))
            {
                score += value;
            }
        }

        return score >= 2 ? 1 : -1;
    }
}
