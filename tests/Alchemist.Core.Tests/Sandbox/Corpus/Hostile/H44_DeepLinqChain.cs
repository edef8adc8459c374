// hostile: a chain of lazy operators built in a loop, which would recurse past the end of the stack when enumerated
// expect: overrun
using System.Collections.Generic;
using System.Linq;

public static class P
{
    public static int Label(string text)
    {
        IEnumerable<int> chain = new[] { 1 };
        for (int i = 0; i < 500_000; i++)
        {
            chain = chain.Distinct();
        }

        return chain.First();
    }
}
