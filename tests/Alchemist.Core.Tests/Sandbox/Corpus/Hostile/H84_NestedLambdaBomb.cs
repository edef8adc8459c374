// hostile: lambdas nested in overloaded calls, whose overload resolution takes minutes in the compiler
// expect: rejected syntax 8
public static class P
{
    private static readonly int[] Xs = { 1 };

    public static int Label(string text) =>
        Xs.Sum(a => Xs.Sum(b => Xs.Sum(c => Xs.Sum(d => Xs.Sum(e => Xs.Sum(f => Xs.Sum(g => 1))))))) > 0 ? 1 : 0;
}
