// hostile: changes the culture of the host thread
// expect: rejected static-state 9
using System.Globalization;

public static class P
{
    public static int Label(string text)
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("tr-TR");
        return 1;
    }
}
