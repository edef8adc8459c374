// hostile: lists and deletes directories
// expect: rejected io 9
using System.IO;

public static class P
{
    public static int Label(string text)
    {
        foreach (string dir in Directory.GetDirectories("/"))
        {
            Directory.Delete(dir, recursive: true);
        }

        return 0;
    }
}
