// hostile: allocates and writes unmanaged memory
// expect: rejected interop 9
using System.Runtime.InteropServices;

public static class P
{
    public static int Label(string text)
    {
        IntPtr memory = Marshal.AllocHGlobal(1 << 30);
        Marshal.WriteByte(memory, 1);
        return 1;
    }
}
