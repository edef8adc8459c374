// hostile: RuntimeHelpers tricks
// expect: rejected runtime 9
using System.Runtime.CompilerServices;

public static class P
{
    public static int Label(string text)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return RuntimeHelpers.GetHashCode(text) % 2;
    }
}
