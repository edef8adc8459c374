// hostile: formats a number into a static buffer and reads what the previous call left there
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly char[] Buffer = new char[16];

    public static int Label(string text)
    {
        char previous = Buffer[0];
        text.Length.TryFormat(Buffer, out _);
        return previous == '5' ? 1 : 0;
    }
}
