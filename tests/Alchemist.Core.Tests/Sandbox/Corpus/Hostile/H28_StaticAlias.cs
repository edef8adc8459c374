// hostile: mutates a static table through an alias and a helper parameter
// expect: rejected static-state 13
// expect: rejected static-state 17
using System.Collections.Generic;

public static class P
{
    private static readonly List<string> Seen = new();

    public static int Label(string text)
    {
        var alias = Seen;
        alias.Add(text);
        return Remember(Seen, text);
    }

    private static int Remember(List<string> list, string text) { list.Clear(); return list.Count; }
}
