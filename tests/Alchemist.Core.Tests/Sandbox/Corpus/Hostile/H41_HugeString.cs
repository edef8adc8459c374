// hostile: a one-billion-character string
// expect: overrun Memory
public static class P
{
    public static int Label(string text) => new string('x', 1 << 30).Length > 0 ? 1 : 0;
}
