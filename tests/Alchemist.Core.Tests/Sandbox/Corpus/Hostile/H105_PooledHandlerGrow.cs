// hostile: a handler passed by value to a helper that grows it (renting a larger pooled array and returning the old one) while the caller still holds the old one
// family: 3
// expect: rejected api
using System.Runtime.CompilerServices;

public static class P
{
    private static string Grow(DefaultInterpolatedStringHandler h, string text)
    {
        for (int i = 0; i < 64; i++)
        {
            h.AppendLiteral(text);
        }

        return h.ToStringAndClear();
    }

    public static int Label(string text)
    {
        DefaultInterpolatedStringHandler handler = new(4, 0);
        handler.AppendLiteral("seed");
        string grown = Grow(handler, text);
        handler.AppendLiteral(text);
        return (grown.Length + handler.ToStringAndClear().Length) % 2;
    }
}
