// hostile: Array.Sort(keys, items) reorders a static items array by keys taken from the item
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly int[] Items = { 1, 2, 3 };

    public static int Label(string text)
    {
        int[] keys = { text.Length, 2, 1 };
        int first = Items[0];
        Array.Sort(keys, Items);
        return first % 2;
    }
}
