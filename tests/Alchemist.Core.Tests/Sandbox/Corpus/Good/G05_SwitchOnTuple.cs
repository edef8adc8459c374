// good: tuples, a switch expression over a tuple, relational patterns
// sample: 1 <= http://spam.example buy now
// sample: 0 <= I love this song, it reminds me of summer with my friends
// sample: -1 <= ok
public static class TupleSwitch
{
    public static int Label(string text)
    {
        (bool hasLink, int words) features = (text.Contains("http", StringComparison.OrdinalIgnoreCase), text.Split(' ').Length);
        return features switch
        {
            (true, _) => 1,
            (false, > 8) when text.Contains("song", StringComparison.OrdinalIgnoreCase) => 0,
            (false, <= 2) => -1,
            _ => -1,
        };
    }
}
