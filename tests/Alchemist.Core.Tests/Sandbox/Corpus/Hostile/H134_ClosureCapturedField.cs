// hostile: a static closure that counts in a field of a captured object and formats into a captured buffer
// family: 2
// expect: rejected static-state
public sealed class State
{
    public int Count;
}

public static class P
{
    private static readonly Func<int> Next = MakeCounter();

    private static Func<int> MakeCounter()
    {
        var state = new State();
        char[] buffer = new char[8];
        return () =>
        {
            state.Count++;
            state.Count.TryFormat(buffer, out _);
            return buffer[0];
        };
    }

    public static int Label(string text) => Next() % 2;
}
