// hostile: a static constructor that never ends
// expect: throws TypeInitializationException
// expect: overruns
public static class P
{
    private static readonly int Seed;

    static P()
    {
        while (true)
        {
            Seed++;
        }
    }

    public static int Label(string text) => Seed;
}
