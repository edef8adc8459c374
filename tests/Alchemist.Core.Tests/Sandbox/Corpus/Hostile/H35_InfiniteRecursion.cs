// hostile: unbounded recursion (a stack overflow would kill the host)
// expect: overrun CallDepth
public static class P
{
    public static int Label(string text) => Recurse(0);

    private static int Recurse(int n) => Recurse(n + 1) + 1;
}
