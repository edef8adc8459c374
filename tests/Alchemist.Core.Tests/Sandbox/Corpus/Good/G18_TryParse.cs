// good: int.TryParse, out variables and a try/catch that catches what it means to
// sample: 1 <= call 555 1234 567
// sample: -1 <= no numbers here
public static class Numbers
{
    public static int Label(string text)
    {
        int numbers = 0;
        foreach (string token in text.Split(' '))
        {
            if (int.TryParse(token, out int value) && value >= 0)
            {
                numbers++;
            }
        }

        try
        {
            return checked(numbers * 1000) >= 3000 ? 1 : -1;
        }
        catch (OverflowException)
        {
            return -1;
        }
    }
}
