// hostile: loads System.IO.File by name and invokes it
// expect: rejected reflection 7
public static class P
{
    public static int Label(string text)
    {
        var file = System.Type.GetType("System.IO.File");
        var method = file!.GetMethod("Delete");
        method!.Invoke(null, new object[] { "/tmp/x" });
        return 1;
    }
}
