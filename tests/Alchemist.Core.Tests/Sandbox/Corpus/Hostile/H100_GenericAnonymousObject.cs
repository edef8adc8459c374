// hostile: an anonymous type built from a type parameter, instantiated with object and compared; generated Equals recurses
// family: 1
// expect: rejected stack
public static class P
{
    private static object Wrap<T>(T inner) => new { Inner = inner };

    public static int Label(string text)
    {
        object a = 0;
        object b = 0;
        for (int i = 0; i < 400_000; i++)
        {
            a = Wrap(a);
            b = Wrap(b);
        }

        return a.Equals(b) ? 1 : 0;
    }
}
