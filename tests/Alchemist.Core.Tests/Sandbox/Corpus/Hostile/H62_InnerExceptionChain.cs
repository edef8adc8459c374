// hostile: a chain of inner exceptions whose ToString recurses in the framework
// expect: rejected api 10
public static class P
{
    public static int Label(string text)
    {
        Exception chain = new Exception("start");
        for (int i = 0; i < 200_000; i++)
        {
            chain = new Exception("wrap", chain);
        }

        throw chain;
    }
}
