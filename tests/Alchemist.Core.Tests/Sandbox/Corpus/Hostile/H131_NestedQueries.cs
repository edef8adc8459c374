// hostile: query expressions nested 8 deep over overloaded Select methods; query clauses are lambdas, so overload resolution is exponential in the depth
// family: 6
// expect: rejected syntax
public static class Overloads
{
    public static int Select(this int source, Func<int, int> f) => f(source);
    public static long Select(this int source, Func<int, long> f) => f(source);
    public static string Select(this int source, Func<int, string> f) => f(source);
    public static double Select(this int source, Func<int, double> f) => f(source);
    public static int Select(this int source, Func<int, object> f) => 0;
}

public static class P
{
    public static int Label(string text)
    {
        var value = (from x1 in 1 select (from x2 in 2 select (from x3 in 3 select (from x4 in 4 select (from x5 in 5 select (from x6 in 6 select (from x7 in 7 select (from x8 in 8 select x8))))))));
        return value.GetHashCode() % 2;
    }
}
