// good: compiled static regexes with options, as LLMs write them
// sample: 1 <= visit https://example.com for FREE stuff
// sample: 1 <= my site: www.example.org
// sample: -1 <= great video
using System.Text.RegularExpressions;

public static class LinkDetector
{
    private static readonly Regex UrlPattern = new Regex(@"(https?://|www\.)\S+", RegexOptions.IgnoreCase | RegexOptions.Compiled);
    private static readonly Regex Shortener = new(@"\b(bit\.ly|goo\.gl|tinyurl\.com)/\w+", RegexOptions.IgnoreCase);

    public static int Label(string comment)
    {
        if (UrlPattern.IsMatch(comment) || Shortener.IsMatch(comment))
        {
            return 1;
        }

        return -1;
    }
}
