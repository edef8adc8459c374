// good: generic records and tuple-returning generic helpers instantiated with concrete types
// family: 1
// sample: 1 <= buy buy buy now
// sample: -1 <= hello there
using System.Collections.Generic;
using System.Linq;

public sealed record Pair<T>(T First, T Second);

public static class GenericShapes
{
    private static (T Item, int Count) Top<T>(IEnumerable<T> items) where T : notnull =>
        items.GroupBy(i => i).Select(g => (g.Key, g.Count())).OrderByDescending(p => p.Item2).First();

    private static KeyValuePair<T, int> Entry<T>(T key, int value) => new(key, value);

    public static int Label(string text)
    {
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (item, count) = Top(words);
        var pair = new Pair<string>(words[0], words[^1]);
        var lengths = new Pair<int>(words[0].Length, words[^1].Length);
        var entry = Entry(item, count);
        var shape = new { Word = item, Count = count };
        return entry.Value >= 3 && pair.GetHashCode() == new Pair<string>(pair.First, pair.Second).GetHashCode() && lengths.First > 0 && shape.Count == count ? 1 : -1;
    }
}
