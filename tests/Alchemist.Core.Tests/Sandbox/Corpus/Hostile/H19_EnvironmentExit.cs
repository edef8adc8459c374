// hostile: ends the host process
// expect: rejected process 7
public static class P
{
    public static int Label(string text)
    {
        System.Environment.Exit(1);
        return 1;
    }
}
