// hostile: grows a list of large strings until memory runs out
// expect: overrun
using System.Collections.Generic;

public static class P
{
    public static int Label(string text)
    {
        var hoard = new List<string>();
        while (true)
        {
            hoard.Add(new string('x', 100_000));
        }
    }
}
