// hostile: doubles a string until memory runs out
// expect: overrun Memory
public static class P
{
    public static int Label(string text)
    {
        string s = "x";
        while (true)
        {
            s += s;
        }
    }
}
