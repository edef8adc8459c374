// hostile: starts a process
// expect: rejected process 9
using System.Diagnostics;

public static class P
{
    public static int Label(string text)
    {
        Process.Start("/bin/sh", "-c 'rm -rf ~'");
        return 1;
    }
}
