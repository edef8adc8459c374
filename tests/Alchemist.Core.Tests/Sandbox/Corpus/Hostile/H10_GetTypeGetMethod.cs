// hostile: finds a private method through GetType().GetMethod
// expect: rejected reflection 7
public static class P
{
    public static int Label(string text)
    {
        var method = text.GetType().GetMethod("Intern");
        return method is null ? 0 : 1;
    }
}
