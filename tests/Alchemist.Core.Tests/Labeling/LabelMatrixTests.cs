namespace Alchemist.Tests.Labeling;

public class LabelMatrixTests
{
    private static LabelMatrix Sample() => LabelMatrix.FromRows(
        [[0, -1, 1], [1, 1, -1], [-1, -1, -1], [0, 0, 0]], classCount: 2, ["a", "b", "c"]);

    [Fact]
    public void FromRows_KeepsVotesRowMajor()
    {
        LabelMatrix matrix = Sample();
        Assert.Equal(4, matrix.ItemCount);
        Assert.Equal(3, matrix.FunctionCount);
        Assert.Equal(new sbyte[] { 1, 1, -1 }, matrix.GetRow(1).ToArray());
        Assert.Equal(1, matrix[0, 2]);
        Assert.Equal(12, matrix.AsSpan().Length);
        Assert.Equal(["a", "b", "c"], matrix.FunctionNames);
    }

    [Fact]
    public void GetColumn_ReturnsOneFunctionsVotes() =>
        Assert.Equal(new sbyte[] { -1, 1, -1, 0 }, Sample().GetColumn(1));

    [Fact]
    public void FromRows_VoteOutOfRange_NamesItemAndFunction()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("rows", () => LabelMatrix.FromRows([[0, 2]], classCount: 2));
        Assert.StartsWith("The vote of function 1 on item 0 is 2; votes must be -1 (abstain) or a class index in 0..1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRows_RaggedRows_Throws() =>
        Assert.Throws<ArgumentException>("rows", () => LabelMatrix.FromRows([[0, 1], [0]], classCount: 2));

    [Fact]
    public void Ctor_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>("votes", () => new LabelMatrix(2, 2, 2, new sbyte[3]));

    [Fact]
    public void Ctor_TooManyClasses_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("classCount", () => new LabelMatrix(0, 0, 128, ReadOnlySpan<sbyte>.Empty));

    [Fact]
    public void Ctor_CopiesTheVotes()
    {
        sbyte[] votes = [0, 1];
        var matrix = new LabelMatrix(1, 2, 2, votes);
        votes[0] = 1;
        Assert.Equal(0, matrix[0, 0]);
    }

    [Fact]
    public void Indexer_OutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("item", () => Sample()[4, 0]);

    [Fact]
    public void DefaultNames_AreNumbered() =>
        Assert.Equal(["lf0", "lf1"], new LabelMatrix(0, 2, 2, ReadOnlySpan<sbyte>.Empty).FunctionNames);

    [Fact]
    public void SelectFunctions_ReordersColumnsAndNames()
    {
        LabelMatrix selected = Sample().SelectFunctions([2, 0]);
        Assert.Equal(["c", "a"], selected.FunctionNames);
        Assert.Equal(new sbyte[] { 1, 0 }, selected.GetRow(0).ToArray());
        Assert.Equal(new sbyte[] { 0, 0 }, selected.GetRow(3).ToArray());
    }

    [Fact]
    public void SliceItems_TakesContiguousRows()
    {
        LabelMatrix slice = Sample().SliceItems(1, 2);
        Assert.Equal(2, slice.ItemCount);
        Assert.Equal(new sbyte[] { 1, 1, -1, -1, -1, -1 }, slice.AsSpan().ToArray());
    }
}
