// good: frozen and immutable collections as lookup tables
// sample: 1 <= great deal, limited offer
// sample: -1 <= ok
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Linq;

public static class Frozen
{
    private static readonly FrozenSet<string> Offers = new[] { "deal", "offer", "discount" }.ToFrozenSet();
    private static readonly ImmutableArray<string> Urgency = ImmutableArray.Create("limited", "now", "today");

    public static int Label(string text)
    {
        string[] words = text.ToLowerInvariant().Replace(",", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool offer = words.Any(Offers.Contains);
        bool urgent = words.Any(w => Urgency.Contains(w));
        return offer && urgent ? 1 : -1;
    }
}
