// hostile: pads through an interpolation alignment given by a named constant, not a literal, which the width check missed; the padding buffer is rented from the shared pool and kept there
// family: 4
// expect: rejected allocation
public static class P
{
    private const int Width = 60_000_000;

    public static int Label(string text) => $"{text,Width}".Length % 2;
}
