// hostile: grows a StringBuilder to 120 MB by setting its Length, an allocation the budget never saw
// family: 4
// expect: overrun Memory
using System.Text;

public static class P
{
    public static int Label(string text)
    {
        var sb = new StringBuilder();
        sb.Length = 60_000_000;
        return sb.Length % 2;
    }
}
