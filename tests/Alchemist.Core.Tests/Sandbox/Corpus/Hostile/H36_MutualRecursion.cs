// hostile: mutual recursion through a local function and a lambda
// expect: overrun CallDepth
public static class P
{
    public static int Label(string text)
    {
        Func<int, int>? ping = null;
        int Pong(int n) => ping!(n + 1);
        ping = n => Pong(n + 1);
        return ping(0);
    }
}
