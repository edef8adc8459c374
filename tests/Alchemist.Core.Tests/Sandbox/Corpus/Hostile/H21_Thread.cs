// hostile: starts a thread that outlives the call
// expect: rejected threading 9
using System.Threading;

public static class P
{
    public static int Label(string text)
    {
        var thread = new Thread(() => { while (true) { } });
        thread.Start();
        return 1;
    }
}
