// hostile: for (;;)
// expect: overrun Steps
public static class P
{
    public static int Label(string text)
    {
        for (;;)
        {
        }
    }
}
