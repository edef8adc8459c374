// hostile: while (true) with work
// expect: overrun Steps
public static class P
{
    public static int Label(string text)
    {
        long n = 0;
        while (true)
        {
            n += text.Length;
        }
    }
}
