// hostile: an interpolation alignment computed by a constant expression
// family: 4
// expect: rejected allocation
public static class P
{
    private const int Half = 30_000_000;

    public static int Label(string text) => $"{text,-(Half * 2)}".Length % 2;
}
