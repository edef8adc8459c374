// hostile: changes a static dictionary through extension methods and a static Array helper
// expect: rejected static-state 13
// expect: rejected static-state 14
using System.Collections.Generic;

public static class P
{
    private static readonly Dictionary<string, int> Seen = new();
    private static readonly int[] Counts = new int[4];

    public static int Label(string text)
    {
        Seen.TryAdd(text, 1);
        Array.Fill(Counts, text.Length);
        return Seen.Count % 2;
    }
}
