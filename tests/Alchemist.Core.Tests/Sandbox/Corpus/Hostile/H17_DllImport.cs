// hostile: P/Invoke into libc
// expect: rejected attribute 8
// expect: rejected interop 9
using System.Runtime.InteropServices;

public static class P
{
    [DllImport("libc")]
    private static extern int system(string command);

    public static int Label(string text) => system("touch /tmp/owned");
}
