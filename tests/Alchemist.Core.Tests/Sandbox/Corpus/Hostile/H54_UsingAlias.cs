// hostile: hides File behind a using alias
// expect: rejected io 9
using Storage = System.IO.File;

public static class P
{
    public static int Label(string text)
    {
        Storage.WriteAllText("/tmp/owned", text);
        return 1;
    }
}
