// good: a private record and a static readonly table of rules with regexes
// sample: 1 <= Subscribe for more
// sample: 0 <= best song ever
// sample: -1 <= first
using System.Text.RegularExpressions;

public static class RuleTable
{
    private sealed record Rule(Regex Pattern, int Label);

    private static readonly Rule[] Rules =
    {
        new(new Regex(@"\bsubscribe\b", RegexOptions.IgnoreCase), 1),
        new(new Regex(@"\b(song|music|voice)\b", RegexOptions.IgnoreCase), 0),
    };

    public static int Label(string text)
    {
        foreach (Rule rule in Rules)
        {
            if (rule.Pattern.IsMatch(text))
            {
                return rule.Label;
            }
        }

        return -1;
    }
}
