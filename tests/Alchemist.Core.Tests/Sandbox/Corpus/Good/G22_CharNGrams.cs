// good: character n-grams with Enumerable.Range and a HashSet
// sample: 1 <= xxxclickxxx
// sample: -1 <= nothing
using System.Collections.Generic;
using System.Linq;

public static class NGrams
{
    private static readonly HashSet<string> SpamTrigrams = new() { "cli", "lic", "ick" };

    public static int Label(string text)
    {
        string lower = text.ToLowerInvariant();
        var grams = Enumerable.Range(0, Math.Max(0, lower.Length - 2)).Select(i => lower.Substring(i, 3)).ToHashSet();
        return grams.Count(SpamTrigrams.Contains) >= 3 ? 1 : -1;
    }
}
