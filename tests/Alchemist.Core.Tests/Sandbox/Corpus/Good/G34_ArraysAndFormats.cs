// good: jagged arrays, computed sizes, Array.Resize, runtime format strings, string.Format and conversions
// sample: 1 <= 12 34 56 78
// sample: -1 <= 1
public static class Arrays
{
    public static int Label(string text)
    {
        string[] tokens = text.Split(' ');
        int[][] digits = new int[tokens.Length][];
        for (int i = 0; i < tokens.Length; i++)
        {
            digits[i] = new int[tokens[i].Length];
            for (int j = 0; j < tokens[i].Length; j++)
            {
                digits[i][j] = char.IsDigit(tokens[i][j]) ? tokens[i][j] - '0' : 0;
            }
        }

        int[] sums = new int[1];
        Array.Resize(ref sums, digits.Length);
        for (int i = 0; i < digits.Length; i++)
        {
            sums[i] = digits[i].Sum();
        }

        string format = sums.Length > 3 ? "D3" : "D1";
        string rendered = string.Join(",", sums.Select(s => s.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
        string summary = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}:{1,5:F1}", rendered, sums.Average());
        return summary.StartsWith("003,007,011,015", StringComparison.Ordinal) ? 1 : -1;
    }
}
