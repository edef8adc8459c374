// hostile: a generic helper builds a tuple of its type parameter; called with object it nests tuples whose ToString recurses in the framework
// family: 1
// expect: rejected stack
public static class P
{
    private static object Wrap<T>(T inner, int i) => (inner, i);

    public static int Label(string text)
    {
        object chain = 0;
        for (int i = 0; i < 400_000; i++)
        {
            chain = Wrap(chain, i);
        }

        return chain.ToString()!.Length % 2;
    }
}
