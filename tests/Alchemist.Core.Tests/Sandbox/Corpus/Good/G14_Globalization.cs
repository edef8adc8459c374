// good: culture-aware text handling: CultureInfo, TextInfo, Unicode categories, normalization
// sample: 1 <= ¡¡¡ WIN $$$ NOW !!!
// sample: -1 <= Café au lait
using System.Globalization;
using System.Linq;
using System.Text;

public static class Symbols
{
    public static int Label(string text)
    {
        string normalized = text.Normalize(NormalizationForm.FormKC);
        string title = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(normalized.ToLower(CultureInfo.InvariantCulture));
        int symbols = normalized.Count(c => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.CurrencySymbol or UnicodeCategory.OtherPunctuation);
        return symbols >= 5 && title.Length > 0 ? 1 : -1;
    }
}
