// hostile: a ToString that formats itself, called by the framework's string interpolation
// expect: overrun CallDepth
public sealed class Loop
{
    public override string ToString() => $"<{this}>";
}

public static class P
{
    public static int Label(string text) => new Loop().ToString().Length;
}
