// hostile: reinterprets references with Unsafe.As
// expect: rejected unsafe 9
using System.Runtime.CompilerServices;

public static class P
{
    public static int Label(string text)
    {
        var chars = Unsafe.As<string, char[]>(ref text);
        return chars.Length;
    }
}
