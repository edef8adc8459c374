// hostile: a lock that could deadlock the applier
// expect: rejected threading 9
public static class P
{
    private static readonly object Gate = new();

    public static int Label(string text)
    {
        lock (Gate)
        {
            return 1;
        }
    }
}
