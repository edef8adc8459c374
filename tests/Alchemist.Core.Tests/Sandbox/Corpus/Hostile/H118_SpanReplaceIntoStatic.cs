// hostile: replaces characters from the item into a static buffer through the two-span overload
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly char[] Buffer = new char[1];

    public static int Label(string text)
    {
        char previous = Buffer[0];
        MemoryExtensions.Replace(text.AsSpan(0, 1), Buffer.AsSpan(), 'a', 'b');
        return previous == 'b' ? 1 : 0;
    }
}
