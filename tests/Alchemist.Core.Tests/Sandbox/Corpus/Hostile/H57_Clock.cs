// hostile: votes that depend on the time of day
// expect: rejected nondeterminism 7
public static class P
{
    public static int Label(string text)
    {
        return DateTime.Now.Second % 2;
    }
}
