// good: splits on a few separators and builds a regular expression from a keyword list at run time
// family: 5
// sample: 1 <= cheap; pills, now
// sample: -1 <= nice weather
using System.Linq;
using System.Text.RegularExpressions;

public static class SplitAndRegexBuilt
{
    private static readonly string[] Keywords = { "pills", "casino", "winner" };

    public static int Label(string text)
    {
        string[] words = text.Split(new[] { "; ", ", ", " " }, StringSplitOptions.RemoveEmptyEntries);
        var regex = new Regex(@"\b(" + string.Join("|", Keywords.Select(Regex.Escape)) + @")\b", RegexOptions.IgnoreCase);
        return words.Length > 0 && Regex.IsMatch(text, "(" + string.Join("|", Keywords) + ")") && regex.IsMatch(text) ? 1 : -1;
    }
}
