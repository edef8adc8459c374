// hostile: writes through a pointer
// expect: rejected unsafe 7
public static class P
{
    public static int Label(string text)
    {
        unsafe
        {
            fixed (char* p = text)
            {
                p[0] = 'X';
            }
        }

        return 1;
    }
}
