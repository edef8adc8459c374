// hostile: a mutable static counter that makes votes depend on call order
// expect: rejected static-state 5
public static class P
{
    private static int _calls;

    public static int Label(string text) => ++_calls % 2;
}
