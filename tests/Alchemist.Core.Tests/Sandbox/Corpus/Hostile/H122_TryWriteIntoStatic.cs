// hostile: writes an interpolated string into a static buffer with MemoryExtensions.TryWrite
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly char[] Buffer = new char[16];

    public static int Label(string text)
    {
        char previous = Buffer[0];
        Buffer.AsSpan().TryWrite($"{text.Length}", out int written);
        return previous == '5' && written > 0 ? 1 : 0;
    }
}
