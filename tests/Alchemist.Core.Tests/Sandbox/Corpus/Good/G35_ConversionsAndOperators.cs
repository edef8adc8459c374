// good: a struct with conversion and comparison operators, IComparable, sorting with a comparison lambda
// sample: 1 <= 30 20 10
// sample: -1 <= 10 20 30
using System.Collections.Generic;

public readonly struct Score : IComparable<Score>
{
    private readonly int _value;

    public Score(int value) => _value = value;

    public static implicit operator Score(int value) => new(value);

    public static explicit operator int(Score score) => score._value;

    public static bool operator >(Score a, Score b) => a._value > b._value;

    public static bool operator <(Score a, Score b) => a._value < b._value;

    public int CompareTo(Score other) => _value.CompareTo(other._value);
}

public static class Sorting
{
    public static int Label(string text)
    {
        var scores = new List<Score>();
        foreach (string token in text.Split(' '))
        {
            if (int.TryParse(token, out int value))
            {
                scores.Add(value);
            }
        }

        var sorted = new List<Score>(scores);
        sorted.Sort((a, b) => b.CompareTo(a));
        bool descending = true;
        for (int i = 0; i < scores.Count; i++)
        {
            descending &= (int)scores[i] == (int)sorted[i];
        }

        return scores.Count >= 3 && descending && scores[0] > scores[^1] ? 1 : -1;
    }
}
