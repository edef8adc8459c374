// good: copies of static tables mutated locally (ToList, new HashSet) and a local sort
// sample: 1 <= zebra apple mango
// sample: -1 <= kiwi
using System.Collections.Generic;
using System.Linq;

public static class Copies
{
    private static readonly string[] Fruits = { "apple", "mango", "zebra" };
    private static readonly HashSet<string> Seen = new() { "apple" };

    public static int Label(string text)
    {
        List<string> fruits = Fruits.ToList();
        fruits.Add("pear");
        fruits.Sort();
        var seen = new HashSet<string>(Seen);
        seen.UnionWith(text.Split(' '));
        string[] local = (string[])Fruits.Clone();
        Array.Reverse(local);
        return fruits.Count(seen.Contains) >= 3 && local[0] == "zebra" ? 1 : -1;
    }
}
