// hostile: a key-value pair of a type parameter, instantiated with object, whose ToString recurses in the framework
// family: 1
// expect: rejected stack
using System.Collections.Generic;

public static class P
{
    private static object Pair<T>(T key) => new KeyValuePair<T, int>(key, 1);

    public static int Label(string text)
    {
        object chain = 0;
        for (int i = 0; i < 400_000; i++)
        {
            chain = Pair(chain);
        }

        return chain.ToString()!.Length % 2;
    }
}
