// hostile: a record whose generated GetHashCode combines the identity hash of a list field
// family: 7
// expect: rejected nondeterminism
using System.Collections.Generic;

public sealed record Bag(List<int> Items);

public static class P
{
    public static int Label(string text) => new Bag(new List<int>()).GetHashCode() % 2;
}
