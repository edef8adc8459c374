// good: a small struct, tuple returns and deconstruction
// sample: 1 <= !!! ??? !!! ???
// sample: -1 <= Hello there.
public static class Punctuation
{
    private readonly struct Counts
    {
        public Counts(int marks, int letters)
        {
            Marks = marks;
            Letters = letters;
        }

        public int Marks { get; }

        public int Letters { get; }
    }

    public static int Label(string text)
    {
        var (marks, letters) = Count(text);
        var counts = new Counts(marks, letters);
        return counts.Marks > counts.Letters && counts.Marks >= 4 ? 1 : -1;
    }

    private static (int Marks, int Letters) Count(string text)
    {
        int marks = 0, letters = 0;
        foreach (char c in text)
        {
            if (c is '!' or '?') marks++;
            else if (char.IsLetter(c)) letters++;
        }

        return (marks, letters);
    }
}
