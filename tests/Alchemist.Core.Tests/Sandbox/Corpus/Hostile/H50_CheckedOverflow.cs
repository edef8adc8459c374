// hostile: an arithmetic overflow exception from checked code
// expect: throws OverflowException
public static class P
{
    public static int Label(string text)
    {
        int big = int.MaxValue - text.Length + 1;
        return checked(big + 10);
    }
}
