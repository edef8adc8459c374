// hostile: mutates an object held by a static readonly field through its own method
// expect: rejected static-state 7
public sealed class Counter
{
    private int _count;

    public int Next() => ++_count;

    private static readonly Counter Shared = new();

    public static int Label(string text) => Shared.Next() % 2;
}
