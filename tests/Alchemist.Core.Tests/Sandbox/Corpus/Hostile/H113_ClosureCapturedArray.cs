// hostile: a counter kept in a captured array by a closure that a static field holds between items
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly Func<int> Next = MakeCounter();

    private static Func<int> MakeCounter()
    {
        int[] box = new int[1];
        return () => ++box[0];
    }

    public static int Label(string text) => Next() % 2;
}
