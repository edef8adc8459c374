// hostile: typeof and nameof used to reach forbidden types
// expect: rejected reflection 7
public static class P
{
    public static int Label(string text)
    {
        var type = typeof(Console);
        return type.Name.Length + nameof(System.IO.File).Length > 0 ? 1 : 0;
    }
}
