// hostile: AppDomain events and assembly lists
// expect: rejected reflection 7
public static class P
{
    public static int Label(string text)
    {
        var domain = AppDomain.CurrentDomain;
        return domain.GetAssemblies().Length;
    }
}
