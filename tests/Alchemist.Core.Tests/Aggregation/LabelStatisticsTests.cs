using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class LabelStatisticsTests
{
    private static readonly LabelMatrix Small = LabelMatrix.FromRows(
        [[0, 0, -1], [0, 1, 1], [-1, -1, -1], [0, 0, -1], [1, -1, 1]],
        classCount: 2);

    [Fact]
    public void Compute_SmallMatrix_CountsMatchHandCounts()
    {
        LabelStatistics stats = LabelStatistics.Compute(Small);

        Assert.Equal(5, stats.ItemCount);
        Assert.Equal(4, stats.CoveredItemCount);
        Assert.Equal(3, stats.GetVoteCount(0, 0));
        Assert.Equal(1, stats.GetVoteCount(0, 1));
        Assert.Equal(4, stats.GetVoteCount(0));
        Assert.Equal(3, stats.GetOverlapCount(0, 1));
        Assert.Equal(2, stats.GetAgreementCount(0, 1));
        Assert.Equal(1, stats.GetOverlapCount(1, 2));
        Assert.Equal(1, stats.GetAgreementCount(1, 2));
        Assert.Equal(stats.GetOverlapCount(2, 0), stats.GetOverlapCount(0, 2));
        Assert.Equal(4, stats.GetOverlapCount(0, 0));
        Assert.Equal(2, stats.GetJointCount(0, 0, 1, 0));
        Assert.Equal(1, stats.GetJointCount(0, 0, 1, 1));
        Assert.Equal(1, stats.GetJointCount(2, 1, 0, 1));
        Assert.Equal(0, stats.GetJointCount(0, 0, 0, 1));

        Assert.Equal(4, stats.DistinctRowCount);
        Assert.Equal([0, 0, -1], stats.GetDistinctRow(0).ToArray());
        Assert.Equal(2, stats.GetDistinctRowCount(0));
        Assert.Equal([-1, -1, -1], stats.GetDistinctRow(2).ToArray());
        Assert.Equal(1, stats.GetDistinctRowCount(3));
    }

    [Theory]
    [InlineData(50_000, 12, 2)]
    [InlineData(40_000, 7, 3)]
    [InlineData(3_000, 9, 12)]
    [InlineData(2_000, 120, 10)]
    public void Merge_OrderedPartitions_EqualsTheWholeMatrix(int items, int functions, int classes)
    {
        // Covers the bitset and row-wise kernels, the parallel path, and matrices too wide for joint counts.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: items + functions, items, functions, classes).Matrix;
        LabelStatistics whole = LabelStatistics.Compute(matrix);

        int[] cuts = [0, items / 5, items / 2, items - 1, items];
        LabelStatistics merged = LabelStatistics.Merge(
            cuts.Zip(cuts.Skip(1), (from, to) => LabelStatistics.Compute(matrix.SliceItems(from, to - from))));

        AssertSame(whole, merged);
    }

    [Fact]
    public void Compute_WithAndWithoutDistinctRows_GivesTheSamePairCounts()
    {
        // The pair counts come from the distinct rows in one case and from the matrix in the other.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 3, items: 30_000, functions: 15, classes: 2).Matrix;
        LabelStatistics withRows = LabelStatistics.Compute(matrix);
        LabelStatistics withoutRows = LabelStatistics.Compute(matrix, new LabelStatisticsOptions { IncludeDistinctRows = false });

        Assert.False(withoutRows.HasDistinctRows);
        Assert.Equal(withRows.CoveredItemCount, withoutRows.CoveredItemCount);
        Assert.Equal(withRows.VoteCounts.ToArray(), withoutRows.VoteCounts.ToArray());
        Assert.Equal(withRows.Joint, withoutRows.Joint);
        Assert.Equal(withRows.Agreements, withoutRows.Agreements);
    }

    [Theory]
    [InlineData(4_096, 100, 2, true)]
    [InlineData(4_096, 100, 2, false)]
    [InlineData(1_003, 70, 3, true)]
    [InlineData(517, 33, 8, false)]
    public void BitsetKernel_WideRows_MatchesTheRowwiseKernel(int items, int functions, int classes, bool joint)
    {
        // Rows of 32 functions or more take the bitset kernel's eight-rows-at-a-time path; uneven shapes its tails.
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: items + functions, items, functions, classes).Matrix;
        var bitset = new PairCountAccumulator(functions, classes, pairs: true, joint);
        bitset.AddBitset(matrix.AsSpan());
        var rowwise = new PairCountAccumulator(functions, classes, pairs: true, joint);
        rowwise.AddRowwise(matrix.AsSpan(), [], weightOffset: 0);

        Assert.Equal(rowwise.Items, bitset.Items);
        Assert.Equal(rowwise.Covered, bitset.Covered);
        Assert.Equal(rowwise.VoteCounts, bitset.VoteCounts);
        Assert.Equal(rowwise.Joint, bitset.Joint);
        Assert.Equal(rowwise.Overlaps, bitset.Overlaps);
        Assert.Equal(rowwise.Agreements, bitset.Agreements);
    }

    [Fact]
    public void Compute_WideMatrix_KeepsAgreementsButNoJointCounts()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 500, functions: 60, classes: 20).Matrix;
        LabelStatistics stats = LabelStatistics.Compute(matrix);

        Assert.True(stats.HasPairCounts);
        Assert.False(stats.HasJointCounts);
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => stats.GetJointCount(0, 0, 1, 0));
        Assert.Equal("Joint counts were not gathered: they need pair counts and at most 1024 function-class pairs (60 x 20 here).", ex.Message);
    }

    [Fact]
    public void Compute_WithoutPairCounts_SaysHowToGetThem()
    {
        LabelStatistics stats = LabelStatistics.Compute(Small, new LabelStatisticsOptions { IncludePairCounts = false });
        Assert.Equal(3, stats.GetVoteCount(0, 0));
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => stats.GetOverlapCount(0, 1));
        Assert.Equal("Pair counts were not gathered; compute the statistics with LabelStatisticsOptions.IncludePairCounts set to true.", ex.Message);
    }

    [Fact]
    public void Merge_PartWithoutDistinctRows_DropsThem()
    {
        LabelStatistics merged = LabelStatistics.Merge([
            LabelStatistics.Compute(Small),
            LabelStatistics.Compute(Small, new LabelStatisticsOptions { IncludeDistinctRows = false }),
        ]);
        Assert.False(merged.HasDistinctRows);
        Assert.Equal(10, merged.ItemCount);
        Assert.Equal(6, merged.GetVoteCount(0, 0));
    }

    [Fact]
    public void Merge_OtherFunctions_Throws()
    {
        LabelStatistics other = LabelStatistics.Compute(LabelMatrix.FromRows([[0, 1, 1]], 2, ["a", "b", "c"]));
        ArgumentException ex = Assert.Throws<ArgumentException>("parts", () => LabelStatistics.Merge([LabelStatistics.Compute(Small), other]));
        Assert.StartsWith("Partition 1 has 3 functions and 2 classes (a, b, c, ...); partition 0 has 3 and 2 (lf0, lf1, lf2, ...).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_Nothing_Throws() =>
        Assert.Throws<ArgumentException>("parts", () => LabelStatistics.Merge([]));

    [Fact]
    public void Compute_NoFunctions_Throws() =>
        Assert.Throws<ArgumentException>("matrix", () => LabelStatistics.Compute(new LabelMatrix(3, 0, 2, ReadOnlySpan<sbyte>.Empty)));

    [Fact]
    public void GetVoteCount_OutOfRange_Throws()
    {
        LabelStatistics stats = LabelStatistics.Compute(Small);
        Assert.Throws<ArgumentOutOfRangeException>("function", () => stats.GetVoteCount(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>("label", () => stats.GetVoteCount(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => stats.GetDistinctRow(4));
    }

    internal static void AssertSame(LabelStatistics expected, LabelStatistics actual)
    {
        Assert.Equal(expected.ItemCount, actual.ItemCount);
        Assert.Equal(expected.CoveredItemCount, actual.CoveredItemCount);
        Assert.Equal(expected.VoteCounts.ToArray(), actual.VoteCounts.ToArray());
        Assert.Equal(expected.Overlaps, actual.Overlaps);
        Assert.Equal(expected.Agreements, actual.Agreements);
        Assert.Equal(expected.Joint, actual.Joint);
        Assert.Equal(expected.DistinctRowCount, actual.DistinctRowCount);
        for (int r = 0; r < expected.DistinctRowCount; r++)
        {
            Assert.True(expected.GetDistinctRow(r).SequenceEqual(actual.GetDistinctRow(r)), $"Distinct row {r} differs.");
            Assert.Equal(expected.GetDistinctRowCount(r), actual.GetDistinctRowCount(r));
        }
    }
}
