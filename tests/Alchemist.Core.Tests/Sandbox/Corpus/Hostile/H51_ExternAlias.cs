// hostile: extern alias to reach another assembly
// expect: rejected syntax 3
extern alias Corlib;

public static class P
{
    public static int Label(string text) => 1;
}
