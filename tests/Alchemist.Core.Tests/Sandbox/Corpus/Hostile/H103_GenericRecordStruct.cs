// hostile: a generic record struct instantiated with object, boxed into itself 400,000 deep and hashed
// family: 1
// expect: rejected stack
public readonly record struct Cell<T>(T Value, int Depth);

public static class P
{
    public static int Label(string text)
    {
        object chain = 0;
        for (int i = 0; i < 400_000; i++)
        {
            chain = new Cell<object>(chain, i);
        }

        return chain.GetHashCode() % 2;
    }
}
