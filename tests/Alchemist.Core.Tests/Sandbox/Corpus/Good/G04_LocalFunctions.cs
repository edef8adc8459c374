// good: local functions and a capitals ratio
// sample: 1 <= CHECK OUT MY NEW VIDEO NOW
// sample: -1 <= a calm, lowercase comment
public static class Shouting
{
    public static int Label(string text)
    {
        int letters = 0;
        int upper = 0;
        foreach (char c in text)
        {
            if (IsCounted(c))
            {
                letters++;
                if (char.IsUpper(c)) upper++;
            }
        }

        return letters >= 10 && Ratio(upper, letters) > 0.7 ? 1 : -1;

        static bool IsCounted(char c) => char.IsLetter(c);
        double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
    }
}
