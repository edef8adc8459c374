// good: collection expressions, spreads, Dictionary counting and KeyValuePair deconstruction
// sample: 1 <= x x x y
// sample: -1 <= x y z
using System.Collections.Generic;
using System.Linq;

public static class CollectionExpressions
{
    private static readonly List<string> Stop = ["the", "a", "an"];

    public static int Label(string text)
    {
        string[] words = [.. text.Split(' ').Where(w => !Stop.Contains(w))];
        var counts = new Dictionary<string, int>();
        foreach (string w in words)
        {
            counts[w] = counts.GetValueOrDefault(w) + 1;
        }

        foreach (var (word, count) in counts)
        {
            if (count >= 3 && word.Length > 0)
            {
                return 1;
            }
        }

        return -1;
    }
}
