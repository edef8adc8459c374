// hostile: reads a file
// expect: rejected io 9
using System.IO;

public static class P
{
    public static int Label(string text)
    {
        string secret = File.ReadAllText("/etc/passwd");
        return secret.Length > 0 ? 1 : 0;
    }
}
