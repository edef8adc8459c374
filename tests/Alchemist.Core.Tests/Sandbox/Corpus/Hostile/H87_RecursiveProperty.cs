// hostile: a property that reads itself
// expect: overrun CallDepth
public static class P
{
    private static int Forever => Forever + 1;

    public static int Label(string text) => Forever;
}
