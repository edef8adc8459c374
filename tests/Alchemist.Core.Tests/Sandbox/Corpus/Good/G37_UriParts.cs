// good: builds a Uri and reads its path, query and segments
// family: 8
// sample: 1 <= http://example.com/free/gift?card=1
// sample: -1 <= http://example.com/about
// sample: -1 <= not a url
public static class UriParts
{
    public static int Label(string text)
    {
        if (!Uri.IsWellFormedUriString(text, UriKind.Absolute))
        {
            return -1;
        }

        var uri = new Uri(text);
        bool gift = uri.Segments.Length > 2 && uri.AbsolutePath.Contains("gift", StringComparison.Ordinal);
        return gift && uri.Query.Length > 0 && uri.Port == 80 ? 1 : -1;
    }
}
