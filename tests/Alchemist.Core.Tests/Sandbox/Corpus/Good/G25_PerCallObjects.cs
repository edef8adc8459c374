// good: a helper class instantiated per call, with its own mutable state
// sample: 1 <= a b a b a b
// sample: -1 <= a b c d e f
using System.Collections.Generic;

public sealed class TokenCounter
{
    private readonly Dictionary<string, int> _counts = new();

    public int MaxCount { get; private set; }

    public void Add(string token)
    {
        _counts.TryGetValue(token, out int count);
        _counts[token] = ++count;
        if (count > MaxCount)
        {
            MaxCount = count;
        }
    }

    public static int Label(string text)
    {
        var counter = new TokenCounter();
        foreach (string token in text.Split(' '))
        {
            counter.Add(token);
        }

        return counter.MaxCount >= 3 ? 1 : -1;
    }
}
