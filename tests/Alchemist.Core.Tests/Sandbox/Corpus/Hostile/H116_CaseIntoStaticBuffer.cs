// hostile: converts case into a static buffer, which keeps the previous item's first letter
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly char[] Buffer = new char[1];

    public static int Label(string text)
    {
        char previous = Buffer[0];
        MemoryExtensions.ToUpperInvariant(text.AsSpan(0, 1), Buffer);
        return previous == 'A' ? 1 : 0;
    }
}
