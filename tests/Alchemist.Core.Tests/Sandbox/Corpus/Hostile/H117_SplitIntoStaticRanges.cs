// hostile: splits into a static range array, which remembers the previous item's word boundaries
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly Range[] Ranges = new Range[4];

    public static int Label(string text)
    {
        int previousEnd = Ranges[0].End.Value;
        text.AsSpan().Split(Ranges, ' ');
        return previousEnd > 3 ? 1 : 0;
    }
}
