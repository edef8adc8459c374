// good: a static Dictionary of weights, TryGetValue and a threshold
// sample: 1 <= subscribe please, check my channel
// sample: 0 <= love this song so much
// sample: -1 <= hmm
using System;
using System.Collections.Generic;

public static class WeightedWords
{
    private static readonly Dictionary<string, double> Weights = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        ["subscribe"] = 2.0,
        ["channel"] = 1.5,
        ["check"] = 1.0,
        ["song"] = -1.5,
        ["love"] = -1.0,
    };

    public static int Label(string text)
    {
        double score = 0;
        foreach (string raw in text.Split(' '))
        {
            string word = raw.Trim(',', '.', '!', '?');
            if (Weights.TryGetValue(word, out double weight))
            {
                score += weight;
            }
        }

        if (score >= 2.0) return 1;
        if (score <= -2.0) return 0;
        return -1;
    }
}
