// good: every form of Split an LLM writes: params characters, a character array, string separators with a count, a single separator
// family: 5
// sample: 1 <= a,b;c d
// sample: -1 <= abcd
public static class SplitForms
{
    private static readonly char[] Punctuation = { ',', ';' };

    public static int Label(string text)
    {
        int a = text.Split(',', ';', ' ').Length;
        int b = text.Split(Punctuation).Length;
        int c = text.Split(Punctuation, 2).Length;
        int d = text.Split(new[] { ",", ";" }, 3, StringSplitOptions.RemoveEmptyEntries).Length;
        int e = text.Split(' ').Length;
        int f = text.Split(", ", StringSplitOptions.TrimEntries).Length;
        return a == 4 && b == 3 && c == 2 && d == 3 && e == 2 && f == 1 ? 1 : -1;
    }
}
