// hostile: summing a two-billion-element range
// expect: overrun Steps
using System.Linq;

public static class P
{
    public static int Label(string text) => (int)(Enumerable.Range(0, int.MaxValue).Select(i => (long)i).Sum() % 2);
}
