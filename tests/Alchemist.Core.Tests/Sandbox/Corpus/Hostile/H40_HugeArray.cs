// hostile: a two-billion-element array
// expect: overrun Memory
public static class P
{
    public static int Label(string text)
    {
        long[] big = new long[int.MaxValue - 1000];
        return big.Length > 0 ? 1 : 0;
    }
}
