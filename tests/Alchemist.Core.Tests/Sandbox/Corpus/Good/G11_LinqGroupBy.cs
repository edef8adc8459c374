// good: GroupBy, OrderByDescending, ThenBy and FirstOrDefault
// sample: 1 <= buy buy buy buy now
// sample: -1 <= all different words here
using System.Linq;

public static class RepeatedWord
{
    public static int Label(string text)
    {
        var top = text.ToLowerInvariant()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(w => w)
            .Select(g => new { Word = g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count)
            .ThenBy(x => x.Word)
            .FirstOrDefault();
        return top is not null && top.Count >= 3 ? 1 : -1;
    }
}
