using System.Text.RegularExpressions;

namespace Alchemist.Tests.Labeling;

public class LabelingFunctionTests
{
    [Fact]
    public void Create_NullName_Throws() =>
        Assert.Throws<ArgumentNullException>("name", () => LabelingFunction.Create<string>(null!, _ => 0));

    [Fact]
    public void Create_NullDelegate_Throws() =>
        Assert.Throws<ArgumentNullException>("apply", () => LabelingFunction.Create<string>("f", null!));

    [Fact]
    public void Create_CallsDelegateAndKeepsName()
    {
        ILabelingFunction<int> f = LabelingFunction.Create<int>("even", x => x % 2 == 0 ? 1 : Label.Abstain);
        Assert.Equal("even", f.Name);
        Assert.Equal(1, f.Apply(4));
        Assert.Equal(Label.Abstain, f.Apply(3));
    }

    [Theory]
    [InlineData("Check out MY channel", 1)]
    [InlineData("mystery novel", Label.Abstain)]
    [InlineData("my", 1)]
    [InlineData("(my)", 1)]
    [InlineData("", Label.Abstain)]
    public void FromKeywords_Default_MatchesWholeWordsIgnoringCase(string text, int expected) =>
        Assert.Equal(expected, LabelingFunction.FromKeywords("my", 1, "my").Apply(text));

    [Fact]
    public void FromKeywords_RequireAll_NeedsEveryKeyword()
    {
        ILabelingFunction<string> f = LabelingFunction.FromKeywords("both", 0, ["free", "prize"], KeywordMatchOptions.Default with { RequireAll = true });
        Assert.Equal(0, f.Apply("Win a FREE prize now"));
        Assert.Equal(Label.Abstain, f.Apply("free entry"));
    }

    [Fact]
    public void FromKeywords_CaseSensitive_RespectsCase()
    {
        ILabelingFunction<string> f = LabelingFunction.FromKeywords("caps", 1, ["FREE"], KeywordMatchOptions.Default with { IgnoreCase = false });
        Assert.Equal(1, f.Apply("get it FREE"));
        Assert.Equal(Label.Abstain, f.Apply("get it free"));
    }

    [Fact]
    public void FromKeywords_Substrings_MatchInsideWords()
    {
        ILabelingFunction<string> f = LabelingFunction.FromKeywords("sub", 1, ["subscri"], KeywordMatchOptions.Default with { WholeWords = false });
        Assert.Equal(1, f.Apply("please SUBSCRIBE"));
    }

    [Fact]
    public void FromKeywords_PhraseWithLaterWholeWordMatch_Finds()
    {
        // The first "check out" is inside "recheck outs"; the second stands alone.
        ILabelingFunction<string> f = LabelingFunction.FromKeywords("check", 1, "check out");
        Assert.Equal(1, f.Apply("recheck outs then check out this"));
    }

    [Fact]
    public void FromKeywords_NoKeywords_Throws() =>
        Assert.Throws<ArgumentException>("keywords", () => LabelingFunction.FromKeywords("none", 1));

    [Fact]
    public void FromKeywords_BlankKeyword_Throws() =>
        Assert.Throws<ArgumentException>("keywords", () => LabelingFunction.FromKeywords("blank", 1, "ok", " "));

    [Fact]
    public void FromKeywords_NegativeLabel_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("label", () => LabelingFunction.FromKeywords("neg", -1, "x"));

    [Fact]
    public void FromKeywords_RecordSelector_NullTextAbstains()
    {
        ILabelingFunction<Ticket> f = LabelingFunction.FromKeywords<Ticket>("refund", 1, t => t.Body, ["refund"], KeywordMatchOptions.Default);
        Assert.Equal(1, f.Apply(new Ticket("I want a refund")));
        Assert.Equal(Label.Abstain, f.Apply(new Ticket(null)));
    }

    [Fact]
    public void FromRegex_MatchesIgnoringCaseByDefault()
    {
        ILabelingFunction<string> f = LabelingFunction.FromRegex("url", @"https?://|www\.", 1);
        Assert.Equal(1, f.Apply("visit WWW.example.com"));
        Assert.Equal(Label.Abstain, f.Apply("no link here"));
    }

    [Fact]
    public void FromRegex_InvalidPattern_ThrowsNamingTheFunction()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("pattern", () => LabelingFunction.FromRegex("broken", "(unclosed", 1));
        Assert.Contains("'broken'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRegex_CatastrophicBacktracking_TimesOut()
    {
        ILabelingFunction<string> f = LabelingFunction.FromRegex("evil", "^(a+)+$", 1, RegexOptions.None, TimeSpan.FromMilliseconds(20));
        Assert.Throws<RegexMatchTimeoutException>(() => f.Apply(new string('a', 40) + "!"));
    }

    [Fact]
    public void FromRegex_NonPositiveTimeout_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("matchTimeout", () => LabelingFunction.FromRegex("t", "a", 1, matchTimeout: TimeSpan.Zero));

    private sealed record Ticket(string? Body);
}
