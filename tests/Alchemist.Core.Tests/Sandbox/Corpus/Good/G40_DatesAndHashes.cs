// good: dates parsed deterministically, date-only and time-only values, and hash codes of values
// family: 7
// sample: 1 <= meeting on 2024-03-15 at 10:30
// sample: -1 <= meeting someday
using System.Globalization;

public static class DatesAndHashes
{
    private readonly record struct Key(string Word, int Length);

    public static int Label(string text)
    {
        foreach (string token in text.Split(' '))
        {
            if (DateTime.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.NoCurrentDateDefault | DateTimeStyles.AdjustToUniversal, out DateTime date) &&
                DateOnly.TryParseExact(token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day) &&
                date.Year == day.Year)
            {
                var utc = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                var offset = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
                bool sameHash = HashCode.Combine(token.Length, day.Day) == HashCode.Combine(token.Length, day.Day) &&
                    new Key(token, token.Length).GetHashCode() == new Key(token, token.Length).GetHashCode();
                return sameHash && utc < date && offset.UtcDateTime == utc && TimeOnly.Parse("10:30", CultureInfo.InvariantCulture).Hour == 10 ? 1 : -1;
            }
        }

        return -1;
    }
}
