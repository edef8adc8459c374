// hostile: a static Regex method given a huge pattern, which it parses and caches outside the budget
// family: 5
// expect: overrun Steps
using System.Text.RegularExpressions;

public static class P
{
    public static int Label(string text)
    {
        string pattern = new string('x', 400_000);
        return Regex.IsMatch(text, pattern + "|" + pattern) ? 1 : 0;
    }
}
