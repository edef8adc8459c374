// good: a [Flags] enum, bit operations and a switch statement
// sample: 1 <= http://x.example SUBSCRIBE
// sample: 0 <= song
// sample: -1 <= plain
using System;

public static class Signals
{
    [Flags]
    private enum Signal
    {
        None = 0,
        Link = 1,
        Caps = 2,
        Music = 4,
    }

    public static int Label(string text)
    {
        Signal s = Signal.None;
        if (text.Contains("http")) s |= Signal.Link;
        if (text.Any(char.IsUpper) && text.Where(char.IsLetter).All(char.IsUpper)) s |= Signal.Caps;
        if (text.Contains("song", StringComparison.OrdinalIgnoreCase)) s |= Signal.Music;

        switch (s)
        {
            case Signal.Music:
                return 0;
            case var x when x.HasFlag(Signal.Link):
                return 1;
            default:
                return -1;
        }
    }
}
