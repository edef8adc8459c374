// good: expression-bodied properties, an indexer, a static get-only property and operators
// sample: 1 <= abc abc
// sample: -1 <= abc
public sealed class Bag
{
    private readonly string[] _items;

    public Bag(string[] items) => _items = items;

    public static string Marker => "abc";

    public int Count => _items.Length;

    public string this[int index] => _items[index];

    public static Bag operator +(Bag a, Bag b) => new Bag([.. a._items, .. b._items]);

    public static int Label(string text)
    {
        var bag = new Bag(text.Split(' ')) + new Bag([]);
        int marks = 0;
        for (int i = 0; i < bag.Count; i++)
        {
            if (bag[i] == Marker) marks++;
        }

        return marks >= 2 ? 1 : -1;
    }
}
