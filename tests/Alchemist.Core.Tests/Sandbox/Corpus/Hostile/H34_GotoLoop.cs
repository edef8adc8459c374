// hostile: a goto loop that has no loop statement to charge
// expect: rejected syntax 8
public static class P
{
    public static int Label(string text)
    {
    again:
        goto again;
    }
}
