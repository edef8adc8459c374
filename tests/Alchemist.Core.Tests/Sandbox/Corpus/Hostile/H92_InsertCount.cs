// hostile: StringBuilder.Insert with a repeat count, whose size is the product of two numbers
// expect: rejected allocation 8
public static class P
{
    public static int Label(string text)
    {
        var sb = new System.Text.StringBuilder();
        sb.Insert(0, new string('x', 40_000), 40_000);
        return sb.Length;
    }
}
