// hostile: a generic record instantiated with object, nested 400,000 deep and hashed; its generated GetHashCode recurses in generated code the budget never sees
// family: 1
// expect: rejected stack
public sealed record Box<T>(T Value);

public static class P
{
    public static int Label(string text)
    {
        object chain = 0;
        for (int i = 0; i < 400_000; i++)
        {
            chain = new Box<object>(chain);
        }

        return chain.GetHashCode() % 2;
    }
}
