// hostile: a finalizer that runs on the finalizer thread, outside any budget
// expect: rejected finalizer 5
public sealed class P
{
    ~P()
    {
        while (true) { }
    }

    public static int Label(string text)
    {
        _ = new P();
        return 1;
    }
}
