// hostile: reads the clock by parsing a time-only string, whose date defaults to today
// family: 7
// expect: rejected nondeterminism
using System.Globalization;

public static class P
{
    public static int Label(string text)
    {
        DateTime at = DateTime.Parse("10:00", CultureInfo.InvariantCulture);
        return at.DayOfYear % 2;
    }
}
