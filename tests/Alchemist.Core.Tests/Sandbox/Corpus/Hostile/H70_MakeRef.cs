// hostile: undocumented __makeref and __refvalue keywords
// expect: rejected unsafe 8
public static class P
{
    public static int Label(string text)
    {
        int x = 1;
        var r = __makeref(x);
        return __refvalue(r, int);
    }
}
