// good: string interpolation, string.Join and formatting
// sample: 1 <= win win win
// sample: -1 <= win once
using System.Linq;

public static class Interpolated
{
    public static int Label(string text)
    {
        var counts = text.Split(' ').GroupBy(w => w).Select(g => $"{g.Key}:{g.Count()}").ToList();
        string summary = string.Join("|", counts);
        string key = $"win:{3}";
        double share = counts.Count == 0 ? 0 : 1.0 / counts.Count;
        string formatted = $"{share:F2} {share,8:P1}";
        return summary.Contains(key) && formatted.Length > 0 ? 1 : -1;
    }
}
