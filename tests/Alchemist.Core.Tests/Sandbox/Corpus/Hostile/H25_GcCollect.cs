// hostile: forces garbage collections on every item
// expect: rejected runtime 7
public static class P
{
    public static int Label(string text)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        return 1;
    }
}
