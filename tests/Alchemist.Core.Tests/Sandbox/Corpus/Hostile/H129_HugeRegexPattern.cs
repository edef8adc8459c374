// hostile: constructs a regular expression from a 400,000-character pattern; construction is outside the match timeout and the step budget
// family: 5
// expect: overrun Steps
using System.Text.RegularExpressions;

public static class P
{
    public static int Label(string text)
    {
        string pattern = new string('a', 400_000);
        var regex = new Regex("(" + pattern + ")+b|" + pattern);
        return regex.IsMatch(text) ? 1 : 0;
    }
}
