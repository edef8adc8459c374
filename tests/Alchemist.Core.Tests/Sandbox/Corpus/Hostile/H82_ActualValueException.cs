// hostile: an exception carrying an object whose ToString the host would run, outside any budget, when reading the message
// expect: rejected api 13
public sealed class Bomb
{
    public override string ToString()
    {
        while (true) { }
    }
}

public static class P
{
    public static int Label(string text) => throw new ArgumentOutOfRangeException(nameof(text), new Bomb(), "bad");
}
