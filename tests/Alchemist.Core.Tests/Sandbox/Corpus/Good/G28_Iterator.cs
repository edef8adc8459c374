// good: a yield iterator helper and a foreach over it
// sample: 1 <= one two three four five six
// sample: -1 <= one
using System.Collections.Generic;
using System.Linq;

public static class Iterators
{
    public static int Label(string text) => Pairs(text.Split(' ')).Count() >= 5 ? 1 : -1;

    private static IEnumerable<(string, string)> Pairs(string[] words)
    {
        for (int i = 0; i + 1 < words.Length; i++)
        {
            yield return (words[i], words[i + 1]);
        }
    }
}
