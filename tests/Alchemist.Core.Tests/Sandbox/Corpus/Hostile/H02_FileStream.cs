// hostile: writes through a FileStream
// expect: rejected io 8
public static class P
{
    public static int Label(string text)
    {
        using var stream = new System.IO.FileStream("/tmp/owned", System.IO.FileMode.Create);
        stream.WriteByte(1);
        return 1;
    }
}
