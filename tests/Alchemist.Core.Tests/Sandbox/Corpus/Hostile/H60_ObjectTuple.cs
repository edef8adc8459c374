// hostile: tuples nested inside themselves through object, whose ToString recurses in the framework
// expect: rejected stack 10
public static class P
{
    public static int Label(string text)
    {
        object nested = 0;
        for (int i = 0; i < 200_000; i++)
        {
            nested = (nested, i);
        }

        return nested.ToString()!.Length > 0 ? 1 : 0;
    }
}
