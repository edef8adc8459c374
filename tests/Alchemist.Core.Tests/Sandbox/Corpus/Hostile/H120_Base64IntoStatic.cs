// hostile: decodes base64 into a static byte array
// family: 2
// expect: rejected static-state
public static class P
{
    private static readonly byte[] Bytes = new byte[3];

    public static int Label(string text)
    {
        int previous = Bytes[0];
        Convert.TryFromBase64String(text.Length % 2 == 0 ? "AQID" : "BAUG", Bytes, out _);
        return previous % 2;
    }
}
