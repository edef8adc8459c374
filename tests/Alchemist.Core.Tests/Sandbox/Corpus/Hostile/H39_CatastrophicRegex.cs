// hostile: catastrophic backtracking
// expect: throws RegexMatchTimeoutException
// input: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!
using System.Text.RegularExpressions;

public static class P
{
    private static readonly Regex Evil = new(@"^(a+)+$");

    public static int Label(string text) => Evil.IsMatch(text) ? 1 : 0;
}
