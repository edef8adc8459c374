// hostile: a huge stackalloc that would overflow the stack
// expect: rejected unsafe 7
public static class P
{
    public static int Label(string text)
    {
        Span<byte> buffer = stackalloc byte[text.Length * 100_000_000];
        return buffer.Length > 0 ? 1 : 0;
    }
}
