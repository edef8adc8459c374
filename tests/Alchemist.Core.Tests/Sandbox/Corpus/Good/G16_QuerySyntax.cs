// good: LINQ query syntax with let and where
// sample: 1 <= aaaaaaaaaaa bbbbbbbbbbbbb cccccccccccccc
// sample: -1 <= short words only
using System.Linq;

public static class LongWords
{
    public static int Label(string text)
    {
        var longWords = from word in text.Split(' ')
                        let length = word.Length
                        where length > 10
                        orderby length descending
                        select word;
        return longWords.Count() >= 3 ? 1 : -1;
    }
}
