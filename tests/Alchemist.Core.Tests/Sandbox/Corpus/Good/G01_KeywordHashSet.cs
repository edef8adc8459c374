// good: a static readonly HashSet of spam words and a LINQ count over tokens
// sample: 1 <= Please SUBSCRIBE to my channel and check it out
// sample: -1 <= I was here in 2015
using System;
using System.Collections.Generic;
using System.Linq;

public static class SpamKeywords
{
    private static readonly HashSet<string> SpamWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "subscribe", "channel", "check", "free", "giveaway", "follow", "visit",
    };

    public static int Label(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return -1;
        }

        var tokens = text.Split(new[] { ' ', '\t', '\n', ',', '.', '!', '?' }, StringSplitOptions.RemoveEmptyEntries);
        int hits = tokens.Count(t => SpamWords.Contains(t));
        return hits >= 2 ? 1 : -1;
    }
}
