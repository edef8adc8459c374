// hostile: a collection asked for a capacity of two billion
// expect: overrun Memory
using System.Collections.Generic;

public static class P
{
    public static int Label(string text)
    {
        var list = new List<long>(int.MaxValue);
        return list.Count;
    }
}
