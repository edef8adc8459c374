// hostile: random votes
// expect: rejected nondeterminism 5
public static class P
{
    private static readonly Random Dice = new();

    public static int Label(string text) => Dice.Next(2);
}
