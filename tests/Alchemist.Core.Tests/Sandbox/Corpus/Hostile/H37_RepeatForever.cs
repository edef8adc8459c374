// hostile: an enormous lazy sequence counted inside LINQ, where no loop of the program runs
// expect: overrun Steps
using System.Linq;

public static class P
{
    public static int Label(string text) => Enumerable.Repeat(1, int.MaxValue).Distinct().Count();
}
