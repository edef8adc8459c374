// good: property patterns, list patterns and is-not null
// sample: 1 <= subscribe now
// sample: 0 <= nice song
// sample: -1 <= this is a longer comment that says nothing much at all really
public static class Patterns
{
    public static int Label(string text)
    {
        if (text is not { Length: > 0 })
        {
            return -1;
        }

        string[] words = text.ToLowerInvariant().Split(' ');
        return words switch
        {
            ["subscribe", ..] => 1,
            [_, "song"] => 0,
            { Length: > 10 } => -1,
            _ => -1,
        };
    }
}
