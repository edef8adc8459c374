// good: curried and static lambdas, discards, void local functions, using declarations, switch with throw arms, rethrow
// sample: 1 <= aaa bbb ccc
// sample: -1 <= a
using System.Collections.Generic;
using System.Linq;

public static class Lambdas
{
    private sealed class Scope : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    public static int Label(string text)
    {
        Func<int, Func<int, int>> add = a => b => a + b;
        Func<string, int> length = static s => s.Length;
        Func<int, int> constant = _ => 1;
        var list = new List<int>();
        void Push(int x) => list.Add(x);

        using var scope = new Scope();
        foreach (string word in text.Split(' '))
        {
            Push(add(length(word))(constant(0)));
        }

        int kind = list.Count switch
        {
            0 => throw new InvalidOperationException("no words"),
            1 => -1,
            _ => list.All(n => n == 4) ? 1 : -1,
        };

        try
        {
            return Check(kind);
        }
        catch (ArgumentException)
        {
            throw;
        }
    }

    private static int Check(int kind) => kind is >= -1 and <= 1 ? kind : throw new ArgumentException("bad kind", nameof(kind));
}
