// hostile: an equality comparer that never returns, called from inside HashSet
// expect: overrun Steps
using System.Collections.Generic;

public sealed class Stuck : IEqualityComparer<string>
{
    public bool Equals(string? x, string? y)
    {
        while (true) { }
    }

    public int GetHashCode(string obj) => 0;
}

public static class P
{
    public static int Label(string text)
    {
        var set = new HashSet<string>(new Stuck()) { "a", "b" };
        return set.Count;
    }
}
