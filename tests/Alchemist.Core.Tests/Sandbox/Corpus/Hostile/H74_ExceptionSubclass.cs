// hostile: an exception type whose Message would run program code inside the host's error handling
// expect: rejected api 3
public sealed class Sneaky : Exception
{
    public override string Message
    {
        get { while (true) { } }
    }
}

public static class P
{
    public static int Label(string text) => throw new Sneaky();
}
