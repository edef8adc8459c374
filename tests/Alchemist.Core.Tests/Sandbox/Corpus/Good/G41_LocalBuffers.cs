// good: spans and arrays written in buffers of the call, and static tables only read (also through spans)
// family: 2
// sample: 1 <= hello, brave new world
// sample: -1 <= hi
using System.Linq;

public static class LocalBuffers
{
    private static readonly char[] Separators = { ' ', ',' };
    private static readonly int[] Weights = { 3, 1, 2 };

    public static int Label(string text)
    {
        char[] digits = new char[16];
        text.Length.TryFormat(digits, out int written);
        Span<Range> ranges = new Range[8];
        int parts = text.AsSpan().Split(ranges, ' ');
        char[] upper = new char[text.Length];
        MemoryExtensions.ToUpperInvariant(text.AsSpan(), upper);
        int[] keys = { 3, 1, 2 };
        string[] names = { "c", "a", "b" };
        Array.Sort(keys, names);
        byte[] bytes = new byte[3];
        bool decoded = Convert.TryFromBase64String("AQID", bytes, out _);
        string[] words = text.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        int comma = text.IndexOfAny(Separators);
        int heaviest = Weights.AsSpan().IndexOf(Weights.Max());
        int counter = 0;
        Func<int> next = () => ++counter;
        next();
        var seen = new System.Collections.Generic.List<string>();
        Action<string> remember = w => seen.Add(w);
        foreach (string word in words)
        {
            remember(word);
        }

        return written > 0 && parts >= 1 && upper[0] != 'h' && names[0] == "a" && decoded && comma >= 0 && heaviest == 0 && counter == 1 && seen.Count >= 3 ? 1 : -1;
    }
}
