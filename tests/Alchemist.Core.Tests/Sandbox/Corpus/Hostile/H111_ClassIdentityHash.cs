// hostile: identity hash codes through a program class without GetHashCode, a list, HashCode.Combine and the default comparer
// family: 7
// expect: rejected nondeterminism
using System.Collections.Generic;

public sealed class Token
{
}

public static class P
{
    public static int Label(string text)
    {
        int a = new Token().GetHashCode();
        int b = HashCode.Combine(new List<int>(), text.Length);
        int c = EqualityComparer<Token>.Default.GetHashCode(new Token());
        return (a ^ b ^ c) % 2;
    }
}
