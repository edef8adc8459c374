// hostile: polymorphic recursion that doubles the size of a stack local at every level
// expect: rejected stack 9
public static class P
{
    public static int Label(string text) => Grow<long>(0, 40);

    private static int Grow<T>(T value, int depth)
    {
        return depth == 0 ? 0 : Grow<(T, T)>((value, value), depth - 1);
    }
}
