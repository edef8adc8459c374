// hostile: Parallel.For
// expect: rejected threading 10
using System.Threading.Tasks;

public static class P
{
    public static int Label(string text)
    {
        int hits = 0;
        Parallel.For(0, 1000, i => hits++);
        return hits > 0 ? 1 : 0;
    }
}
