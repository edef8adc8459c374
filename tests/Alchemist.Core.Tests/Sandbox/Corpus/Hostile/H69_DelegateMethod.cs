// hostile: reaches reflection through a delegate's Method property
// expect: rejected reflection 8
public static class P
{
    public static int Label(string text)
    {
        Func<int> f = () => 1;
        return f.Method.Name.Length;
    }
}
