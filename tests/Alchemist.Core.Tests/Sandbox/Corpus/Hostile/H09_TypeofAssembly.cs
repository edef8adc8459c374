// hostile: walks from typeof(string) to its assembly
// expect: rejected reflection 7
public static class P
{
    public static int Label(string text)
    {
        var assembly = typeof(string).Assembly;
        return assembly.GetTypes().Length > 0 ? 1 : 0;
    }
}
