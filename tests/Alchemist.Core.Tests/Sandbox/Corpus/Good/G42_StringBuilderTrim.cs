// good: trims and resets a StringBuilder through its Length, and pads by small constant widths
// family: 4
// sample: 1 <= a b c
// sample: -1 <= a
using System.Text;

public static class StringBuilderTrim
{
    private const int Pad = 4;

    public static int Label(string text)
    {
        var sb = new StringBuilder();
        foreach (string word in text.Split(' '))
        {
            sb.Append(word).Append(", ");
        }

        sb.Length -= 2;
        string joined = sb.ToString();
        sb.Length = 0;
        sb.Append($"{joined,Pad}|{joined,-Pad}");
        sb.Length--;
        return joined == "a, b, c" && sb.Length > 0 ? 1 : -1;
    }
}
