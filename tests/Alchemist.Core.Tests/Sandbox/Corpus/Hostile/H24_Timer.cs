// hostile: a timer callback that runs after the call
// expect: rejected threading 7
public static class P
{
    public static int Label(string text)
    {
        var timer = new System.Threading.Timer(_ => { }, null, 0, 1);
        return timer is null ? 0 : 1;
    }
}
