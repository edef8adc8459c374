// good: a query nested in a query, a lambda in a query, and constants built from constants
// family: 6
// sample: 1 <= spam spam eggs
// sample: -1 <= eggs
using System.Linq;

public static class QueriesAndConstants
{
    private const string Prefix = "spam";
    private const string Pair = Prefix + " " + Prefix;
    private const string Banner = $"{Pair}!";

    public static int Label(string text)
    {
        string[] words = text.Split(' ');
        var counts = from w in words
                     group w by w into g
                     let longer = (from other in words where other.Length > g.Key.Length select other).Count()
                     where g.Any(x => x.StartsWith(Prefix[0]))
                     select new { g.Key, Count = g.Count(), Longer = longer };
        return counts.Any(c => c.Key == Prefix && c.Count >= 2) && Banner.Length == 10 ? 1 : -1;
    }
}
