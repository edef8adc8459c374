// hostile: an interpolated-string handler given a static array as its initial buffer
// family: 2
// expect: rejected api
using System.Runtime.CompilerServices;

public static class P
{
    private static readonly char[] Buffer = new char[64];

    public static int Label(string text)
    {
        char previous = Buffer[0];
        var handler = new DefaultInterpolatedStringHandler(0, 1, null, Buffer);
        handler.AppendFormatted(text.Length);
        handler.ToStringAndClear();
        return previous == '5' ? 1 : 0;
    }
}
