// hostile: reads the machine's time zone by converting a fixed UTC time to local time
// family: 7
// expect: rejected nondeterminism
public static class P
{
    public static int Label(string text)
    {
        var noon = new DateTime(2024, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        return noon.ToLocalTime().Hour % 2;
    }
}
