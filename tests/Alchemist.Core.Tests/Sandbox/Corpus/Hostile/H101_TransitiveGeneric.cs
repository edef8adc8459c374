// hostile: the object type argument reaches the tuple through a second generic method
// family: 1
// expect: rejected stack
public static class P
{
    private static object Outer<U>(U inner) => Inner(inner);

    private static object Inner<T>(T inner) => (inner, 1);

    public static int Label(string text)
    {
        object chain = 0;
        for (int i = 0; i < 400_000; i++)
        {
            chain = Outer<object>(chain);
        }

        return chain.GetHashCode() % 2;
    }
}
