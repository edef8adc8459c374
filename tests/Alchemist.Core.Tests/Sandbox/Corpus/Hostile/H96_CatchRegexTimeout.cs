// hostile: catches the regular expression timeout and tries again, forever
// expect: throws RegexMatchTimeoutException
// input: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!
using System.Text.RegularExpressions;

public static class P
{
    public static int Label(string text)
    {
        while (true)
        {
            try
            {
                return Regex.IsMatch(text, "^(a+)+$") ? 1 : 0;
            }
            catch (RegexMatchTimeoutException)
            {
            }
        }
    }
}
