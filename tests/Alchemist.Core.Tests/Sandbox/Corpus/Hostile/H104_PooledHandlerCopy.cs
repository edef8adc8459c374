// hostile: copies an interpolated-string handler that owns a buffer rented from ArrayPool<char>.Shared and releases both copies, returning one array to the process-wide pool twice
// family: 3
// expect: rejected api
using System.Runtime.CompilerServices;

public static class P
{
    public static int Label(string text)
    {
        var handler = new DefaultInterpolatedStringHandler(0, 1);
        handler.AppendFormatted(text);
        DefaultInterpolatedStringHandler copy = handler;
        string first = handler.ToStringAndClear();
        string second = copy.ToStringAndClear();
        return first.Length + second.Length > 0 ? 1 : 0;
    }
}
