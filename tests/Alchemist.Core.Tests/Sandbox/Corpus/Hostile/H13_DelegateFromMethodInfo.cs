// hostile: turns a MethodInfo into a delegate and calls it
// expect: rejected reflection 10
using System;
using System.Reflection;

public static class P
{
    public static int Label(string text)
    {
        MethodInfo exit = typeof(Environment).GetMethod("Exit")!;
        var kill = exit.CreateDelegate<Action<int>>();
        kill(0);
        return 1;
    }
}
