// hostile: writes every item to the console
// expect: rejected io 7
public static class P
{
    public static int Label(string text)
    {
        Console.WriteLine(text);
        return -1;
    }
}
