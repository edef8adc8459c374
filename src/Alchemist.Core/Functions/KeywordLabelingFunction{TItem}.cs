namespace Alchemist;

/// <summary>A keyword labeling function; it searches without allocating.</summary>
internal sealed class KeywordLabelingFunction<TItem>(
    string name, int label, Func<TItem, string?> textSelector, string[] keywords, KeywordMatchOptions options) : ILabelingFunction<TItem>
{
    private readonly StringComparison _comparison = options.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public string Name { get; } = name;

    public int Apply(TItem item)
    {
        string? text = textSelector(item);
        if (text is null)
        {
            return Label.Abstain;
        }

        foreach (string keyword in keywords)
        {
            bool found = Contains(text, keyword);
            if (options.RequireAll && !found)
            {
                return Label.Abstain;
            }

            if (!options.RequireAll && found)
            {
                return label;
            }
        }

        return options.RequireAll ? label : Label.Abstain;
    }

    public override string ToString() => Name;

    private bool Contains(string text, string keyword)
    {
        int start = 0;
        while (start <= text.Length - keyword.Length)
        {
            int at = text.AsSpan(start).IndexOf(keyword, _comparison);
            if (at < 0)
            {
                return false;
            }

            at += start;
            if (!options.WholeWords || (IsBoundary(text, at - 1) && IsBoundary(text, at + keyword.Length)))
            {
                return true;
            }

            start = at + 1;
        }

        return false;
    }

    private static bool IsBoundary(string text, int index) =>
        index < 0 || index >= text.Length || !(char.IsLetterOrDigit(text[index]) || text[index] == '_');
}
