// hostile: crashes the host process
// expect: rejected process 7
public static class P
{
    public static int Label(string text)
    {
        Environment.FailFast("bye");
        return 1;
    }
}
