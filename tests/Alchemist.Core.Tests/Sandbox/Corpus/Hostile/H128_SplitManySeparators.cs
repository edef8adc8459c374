// hostile: one Split call with 500,000 separators over a 4,000-character string: billions of comparisons in a single framework call the step budget never sees
// family: 5
// expect: overrun Steps
public static class P
{
    public static int Label(string text)
    {
        var separators = new string[500_000];
        Array.Fill(separators, "zq");
        string haystack = new string('a', 4_000);
        return haystack.Split(separators, StringSplitOptions.None).Length % 2;
    }
}
