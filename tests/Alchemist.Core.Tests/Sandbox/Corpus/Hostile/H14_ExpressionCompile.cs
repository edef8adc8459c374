// hostile: compiles an expression tree into new code
// expect: rejected reflection 10
using System;
using System.Linq.Expressions;

public static class P
{
    public static int Label(string text)
    {
        Expression<Func<int>> expression = () => 1;
        Func<int> compiled = expression.Compile();
        return compiled();
    }
}
