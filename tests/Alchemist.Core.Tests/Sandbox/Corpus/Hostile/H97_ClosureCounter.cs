// hostile: a counter hidden in a closure that a static field keeps alive between items
// expect: rejected static-state 5
public static class P
{
    private static readonly Func<int> Next = MakeCounter();

    private static Func<int> MakeCounter()
    {
        int calls = 0;
        return () => ++calls;
    }

    public static int Label(string text) => Next() % 2;
}
