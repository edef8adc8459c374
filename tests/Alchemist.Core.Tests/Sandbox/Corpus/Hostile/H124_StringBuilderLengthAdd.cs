// hostile: grows a StringBuilder's Length with a compound assignment
// family: 4
// expect: overrun Memory
using System.Text;

public static class P
{
    public static int Label(string text)
    {
        var sb = new StringBuilder(text);
        sb.Length += 60_000_000;
        return sb.Length % 2;
    }
}
