// hostile: throws from Label
// expect: throws InvalidOperationException
public static class P
{
    public static int Label(string text) => throw new InvalidOperationException("boom");
}
