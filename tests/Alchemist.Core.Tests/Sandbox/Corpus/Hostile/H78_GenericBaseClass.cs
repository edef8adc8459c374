// hostile: derives from a framework class to reach its protected members (Regex's internal timeout)
// expect: rejected api 3
public sealed class NoTimeout : System.Text.RegularExpressions.Regex
{
    public NoTimeout(string pattern) : base(pattern) => internalMatchTimeout = InfiniteMatchTimeout;
}

public static class P
{
    public static int Label(string text) => new NoTimeout("^(a+)+$").IsMatch(text) ? 1 : 0;
}
