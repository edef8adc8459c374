// hostile: catches the budget exception and keeps going
// expect: overrun Steps
public static class P
{
    public static int Label(string text)
    {
        for (;;)
        {
            try
            {
                while (true) { }
            }
            catch (Exception e) when (e.Message.Length > 0)
            {
            }
            catch
            {
            }
        }
    }
}
