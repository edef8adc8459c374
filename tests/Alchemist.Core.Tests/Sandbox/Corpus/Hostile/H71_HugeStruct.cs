// hostile: a value type so large that one local would exhaust the stack
// expect: rejected stack 4
public struct A { public decimal a, b, c, d, e, f, g, h; }
public struct B { public A a, b, c, d, e, f, g, h; }
public struct C { public B a, b, c, d, e, f, g, h; }
public struct D { public C a, b, c, d, e, f, g, h; }

public static class P
{
    public static int Label(string text)
    {
        D big = default;
        return big.a.a.a.a == 0 ? 1 : 0;
    }
}
