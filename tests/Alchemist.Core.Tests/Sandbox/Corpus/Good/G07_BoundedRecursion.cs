// good: bounded recursion over the words of the text
// sample: 1 <= free free free gift
// sample: -1 <= free gift
public static class RecursiveCount
{
    public static int Label(string text)
    {
        string[] words = text.ToLowerInvariant().Split(' ');
        return CountFrom(words, 0) >= 3 ? 1 : -1;
    }

    private static int CountFrom(string[] words, int index)
    {
        if (index >= words.Length || index > 100)
        {
            return 0;
        }

        return (words[index] == "free" ? 1 : 0) + CountFrom(words, index + 1);
    }
}
