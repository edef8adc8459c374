// hostile: dynamic dispatch
// expect: rejected dynamic 7
public static class P
{
    public static int Label(string text)
    {
        dynamic value = text;
        return value.Length > 3 ? 1 : 0;
    }
}
