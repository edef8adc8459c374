// hostile: creates an object through Activator
// expect: rejected reflection 7
public static class P
{
    public static int Label(string text)
    {
        object? instance = System.Activator.CreateInstance(typeof(System.Text.StringBuilder));
        return instance is null ? 0 : 1;
    }
}
