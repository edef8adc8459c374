// hostile: an auto-property with a static setter used as a counter
// expect: rejected static-state 5
public static class P
{
    private static int Calls { get; set; }

    public static int Label(string text) => ++Calls % 2;
}
