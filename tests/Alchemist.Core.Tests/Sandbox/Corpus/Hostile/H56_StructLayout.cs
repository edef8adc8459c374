// hostile: explicit layout to overlap references and integers
// expect: rejected attribute 5
using System.Runtime.InteropServices;

[StructLayout(LayoutKind.Explicit)]
public struct Overlap
{
    [FieldOffset(0)] public object Reference;
    [FieldOffset(0)] public long Address;
}

public static class P
{
    public static int Label(string text) => 1;
}
