// hostile: reads the machine's time zone through a DateTimeOffset made from an unspecified DateTime, and through a local kind
// family: 7
// expect: rejected nondeterminism
public static class P
{
    public static int Label(string text)
    {
        DateTimeOffset at = new DateTime(2024, 1, 1);
        var local = DateTime.SpecifyKind(new DateTime(2024, 1, 1), DateTimeKind.Local);
        return (at.Offset.Hours + local.ToString("o").Length + new DateTime(2024, 6, 1).ToUniversalTime().Hour) % 2;
    }
}
