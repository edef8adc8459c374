// hostile: #line directives that would make diagnostics point elsewhere
// expect: rejected syntax 5
public static class P
{
#line 1000 "innocent.cs"
    public static int Label(string text) => System.IO.File.Exists(text) ? 1 : 0;
}
