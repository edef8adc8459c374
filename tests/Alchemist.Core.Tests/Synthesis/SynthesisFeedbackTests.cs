namespace Alchemist.Tests.Synthesis;

public class SynthesisFeedbackTests
{
    [Fact]
    public void FromVotes_FindsUncoveredAndConflictingItemsWithTheirLabelsAndVotes()
    {
        string[] items = ["a", "b", "c", "d", "e"];
        LabelMatrix votes = LabelMatrix.FromRows(
            [
                [-1, -1, -1],
                [1, 1, -1],
                [0, 1, 1],
                [-1, -1, -1],
                [1, 0, -1],
            ],
            classCount: 2);

        SynthesisFeedback<string> feedback = SynthesisFeedback.FromVotes(items, votes, labels: [0, 1, 1, -1, 0], problems: ["p1"]);

        Assert.Equal(["p1"], feedback.Problems);
        Assert.Collection(
            feedback.Uncovered,
            e => Assert.Equal(("a", (int?)0, 0), (e.Item, e.Label, e.Votes.Count)),
            e => Assert.Equal(("d", (int?)null, 0), (e.Item, e.Label, e.Votes.Count)));
        Assert.Collection(
            feedback.Conflicting,
            e => Assert.Equal(("c", (int?)1, "0,1"), (e.Item, e.Label, string.Join(",", e.Votes))),
            e => Assert.Equal(("e", (int?)0, "0,1"), (e.Item, e.Label, string.Join(",", e.Votes))));
        Assert.False(feedback.IsEmpty);
    }

    [Fact]
    public void FromVotes_CapsEachListAtMaxExamples()
    {
        string[] items = [.. Enumerable.Range(0, 50).Select(i => "item" + i)];
        LabelMatrix votes = LabelMatrix.FromRows(items.Select(_ => (IReadOnlyList<int>)[-1]), classCount: 2);
        SynthesisFeedback<string> feedback = SynthesisFeedback.FromVotes(items, votes, maxExamples: 3);
        Assert.Equal(["item0", "item1", "item2"], feedback.Uncovered.Select(e => e.Item));
        Assert.Empty(feedback.Conflicting);
    }

    [Fact]
    public void FromVotes_CountMismatch_Throws()
    {
        LabelMatrix votes = LabelMatrix.FromRows([[1]], classCount: 2);
        ArgumentException ex = Assert.Throws<ArgumentException>("items", () => SynthesisFeedback.FromVotes(["a", "b"], votes));
        Assert.StartsWith("There are 2 items but the vote matrix has 1 rows; give one row per item.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("labels", () => SynthesisFeedback.FromVotes(["a"], votes, labels: [0, 1]));
    }

    [Fact]
    public void Request_BadPrefix_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new SynthesisRequest<string>(SynthesisTestData.SpamTask) { ProgramNamePrefix = "../x" });
        Assert.StartsWith("The program name prefix '../x' is not valid", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SynthesisRequest<string>(SynthesisTestData.SpamTask) { ProgramCount = -1 });
    }
}
