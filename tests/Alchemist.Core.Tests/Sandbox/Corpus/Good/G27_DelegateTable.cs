// good: a static table of (predicate, label) tuples with lambdas
// sample: 1 <= visit http://x.example
// sample: 0 <= lovely song
// sample: -1 <= meh
using System;

public static class DelegateRules
{
    private static readonly (Func<string, bool> Test, int Label)[] Rules =
    {
        (t => t.Contains("http://") || t.Contains("https://"), 1),
        (t => t.Contains("song", StringComparison.OrdinalIgnoreCase), 0),
    };

    public static int Label(string text)
    {
        foreach (var (test, label) in Rules)
        {
            if (test(text))
            {
                return label;
            }
        }

        return -1;
    }
}
