// hostile: reads today's date through TryParseExact with a time-only format and no styles that stop the default
// family: 7
// expect: rejected nondeterminism
using System.Globalization;

public static class P
{
    public static int Label(string text)
    {
        DateTimeOffset.TryParseExact("07", "HH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at);
        return DateTime.TryParseExact("07", "HH", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local) ? (at.Day + local.Day) % 2 : -1;
    }
}
