// hostile: a lambda created by a static initializer that writes static state when called
// expect: rejected static-state 8
using System.Collections.Generic;

public static class P
{
    private static readonly List<string> Log = new();
    private static readonly Func<string, int> Record = s => { Log.Add(s); return Log.Count % 2; };

    public static int Label(string text) => Record(text);
}
