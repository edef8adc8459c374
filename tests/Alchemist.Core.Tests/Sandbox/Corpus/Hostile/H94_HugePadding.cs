// hostile: padding a string to two billion characters
// expect: overrun Memory
public static class P
{
    public static int Label(string text) => text.PadLeft(int.MaxValue - 64).Length;
}
