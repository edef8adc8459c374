// hostile: turns Regex.IsMatch into a delegate to dodge the timeout rewrite
// expect: rejected api 9
using System.Text.RegularExpressions;

public static class P
{
    public static int Label(string text)
    {
        Func<string, string, bool> match = Regex.IsMatch;
        return match(text, "^(a+)+$") ? 1 : 0;
    }
}
