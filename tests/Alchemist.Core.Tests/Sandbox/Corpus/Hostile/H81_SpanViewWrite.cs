// hostile: writes into a static table through views (a span and an array segment)
// expect: rejected static-state 11
// expect: rejected static-state 13
public static class P
{
    private static readonly int[] Table = { 1, 2, 3 };

    public static int Label(string text)
    {
        Span<int> view = Table.AsSpan();
        view[0] = text.Length;
        var segment = new ArraySegment<int>(Table, 1, 2);
        segment[0] = 7;
        return Table[0] % 2;
    }
}
