// hostile: writes into a static readonly array and sorts a static list
// expect: rejected static-state 13
// expect: rejected static-state 14
using System.Collections.Generic;

public static class P
{
    private static readonly int[] Votes = new int[1];
    private static readonly List<int> History = new();

    public static int Label(string text)
    {
        Votes[0]++;
        History.Sort();
        return Votes[0] % 2;
    }
}
