// hostile: a module initializer that would run when the assembly loads
// expect: rejected attribute 7
using System.Runtime.CompilerServices;

public static class P
{
    [ModuleInitializer]
    internal static void Init() => System.IO.File.Delete("/tmp/x");

    public static int Label(string text) => 1;
}
