// good: static Regex helpers: Matches, Replace with an evaluator, Split, Count
// sample: 1 <= $$$ money $$$ money $$$
// sample: -1 <= plain text
using System.Text.RegularExpressions;

public static class RegexStatics
{
    public static int Label(string text)
    {
        string collapsed = Regex.Replace(text, @"\s+", " ");
        string masked = Regex.Replace(collapsed, @"\d", m => "#");
        int dollars = Regex.Matches(masked, @"\$+").Count;
        string[] parts = Regex.Split(masked, @"\s", RegexOptions.None);
        int money = Regex.Count(masked, "money", RegexOptions.IgnoreCase);
        return dollars >= 3 && money >= 2 && parts.Length > 2 ? 1 : -1;
    }
}
