// hostile: thread-static state
// expect: rejected attribute 5
public static class P
{
    [ThreadStatic]
    private static int _last;

    public static int Label(string text) => _last;
}
