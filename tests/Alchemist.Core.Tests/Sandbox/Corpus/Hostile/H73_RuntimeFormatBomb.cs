// hostile: the same format bomb, computed at run time
// expect: overrun Memory
public static class P
{
    public static int Label(string text)
    {
        string format = "D" + new string('9', 9);
        return 1.ToString(format).Length;
    }
}
