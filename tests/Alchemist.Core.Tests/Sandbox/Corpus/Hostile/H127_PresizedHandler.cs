// hostile: an interpolated-string handler pre-sized to 60 million characters, rented from the shared pool outside the budget
// family: 4
// expect: rejected api
using System.Runtime.CompilerServices;

public static class P
{
    public static int Label(string text)
    {
        var handler = new DefaultInterpolatedStringHandler(60_000_000, 0);
        handler.AppendLiteral(text);
        return handler.ToStringAndClear().Length % 2;
    }
}
