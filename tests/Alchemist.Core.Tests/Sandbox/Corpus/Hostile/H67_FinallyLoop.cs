// hostile: an endless loop in a finally block, which runs while the budget exception unwinds
// expect: overrun Steps
public static class P
{
    public static int Label(string text)
    {
        try
        {
            while (true) { }
        }
        finally
        {
            while (true) { }
        }
    }
}
