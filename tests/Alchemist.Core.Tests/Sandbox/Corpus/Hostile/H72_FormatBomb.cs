// hostile: number formats that allocate gigabytes in one call
// expect: rejected allocation 7
public static class P
{
    public static int Label(string text)
    {
        string huge = 1.ToString("D999999999");
        return huge.Length;
    }
}
