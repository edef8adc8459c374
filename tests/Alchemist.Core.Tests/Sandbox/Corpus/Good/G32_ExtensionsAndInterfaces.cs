// good: the program's own extension methods, an interface, an abstract class with overrides, ToString and Equals overrides
// sample: 1 <= Click here to WIN a prize
// sample: 0 <= what a lovely melody
// sample: -1 <= hmm
using System.Collections.Generic;
using System.Linq;

public static class TextExtensions
{
    public static bool HasAny(this string text, params string[] words) =>
        words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    public static int WordCount(this string text, bool ignoreEmpty = true) =>
        text.Split(' ', ignoreEmpty ? StringSplitOptions.RemoveEmptyEntries : StringSplitOptions.None).Length;
}

public interface IRule
{
    int? Vote(string text);
}

public abstract class RuleBase : IRule
{
    protected RuleBase(string name) => Name = name;

    public string Name { get; }

    public abstract int? Vote(string text);

    public override string ToString() => $"Rule({Name})";

    public override bool Equals(object? obj) => obj is RuleBase other && other.Name == Name;

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}

public sealed class SpamRule : RuleBase
{
    public SpamRule() : this("spam") { }

    private SpamRule(string name) : base(name) { }

    public override int? Vote(string text) => text.HasAny("click", "win", "prize") ? 1 : null;
}

public sealed class MusicRule : RuleBase
{
    public MusicRule() : base("music") { }

    public override int? Vote(string text) => text.HasAny("melody", "song") && text.WordCount() > 2 ? 0 : null;
}

public static class Combined
{
    private static readonly IRule[] Rules = { new SpamRule(), new MusicRule() };

    public static int Label(string text)
    {
        foreach (IRule rule in Rules)
        {
            if (rule.Vote(text) is int vote)
            {
                return vote;
            }
        }

        var seen = new HashSet<RuleBase> { new SpamRule(), new SpamRule() };
        return seen.Count == 1 && seen.First().ToString() == "Rule(spam)" ? -1 : 1;
    }
}
