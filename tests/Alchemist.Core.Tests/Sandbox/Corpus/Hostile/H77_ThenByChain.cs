// hostile: an ordering by thousands of keys, whose comparison recurses along the chain
// expect: overrun CallDepth
using System.Linq;

public static class P
{
    public static int Label(string text)
    {
        var ordered = new[] { 3, 1, 2 }.OrderBy(x => 0);
        for (int i = 0; i < 100_000; i++)
        {
            ordered = ordered.ThenBy(x => 0);
        }

        return ordered.First();
    }
}
