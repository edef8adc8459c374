// hostile: a static memo cache written from Label (shared across threads, grows forever)
// expect: rejected static-state 14
using System.Collections.Generic;

public static class P
{
    private static readonly Dictionary<string, int> Cache = new();

    public static int Label(string text)
    {
        if (!Cache.TryGetValue(text, out int vote))
        {
            vote = text.Length % 2;
            Cache[text] = vote;
        }

        return vote;
    }
}
