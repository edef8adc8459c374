// hostile: a closure held by a static field adds to a captured list on every call
// family: 2
// expect: rejected static-state
using System.Collections.Generic;

public static class P
{
    private static readonly Func<string, int> Seen = MakeSeen();

    private static Func<string, int> MakeSeen()
    {
        var seen = new List<string>();
        return text =>
        {
            seen.Add(text);
            return seen.Count;
        };
    }

    public static int Label(string text) => Seen(text) > 1 ? 1 : 0;
}
