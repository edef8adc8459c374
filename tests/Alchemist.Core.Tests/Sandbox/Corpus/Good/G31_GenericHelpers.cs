// good: small generic helpers and a generic local function
// sample: 1 <= b a c
// sample: -1 <= a
using System.Collections.Generic;

public static class Generics
{
    private static T MaxOf<T>(IEnumerable<T> values) where T : IComparable<T>
    {
        T best = default!;
        bool first = true;
        foreach (T v in values)
        {
            if (first || v.CompareTo(best) > 0) { best = v; first = false; }
        }

        return best;
    }

    public static int Label(string text)
    {
        string[] words = text.Split(' ');
        static int CountWhere<T>(IEnumerable<T> items, Func<T, bool> test) => items.Count(test);
        return MaxOf(words) == "c" && CountWhere(words, w => w.Length == 1) == 3 ? 1 : -1;
    }
}
