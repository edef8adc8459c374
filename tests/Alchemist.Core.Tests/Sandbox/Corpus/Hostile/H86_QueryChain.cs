// hostile: a chain of query expressions built in a loop, which would recurse past the end of the stack when enumerated
// expect: overrun
using System.Collections.Generic;
using System.Linq;

public static class P
{
    public static int Label(string text)
    {
        IEnumerable<int> chain = new[] { 1, 2, 3 };
        for (int i = 0; i < 200_000; i++)
        {
            chain = from x in chain select x;
        }

        return chain.Sum();
    }
}
