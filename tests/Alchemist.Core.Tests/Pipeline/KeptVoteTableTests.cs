namespace Alchemist.Tests.Pipeline;

public class KeptVoteTableTests
{
    [Fact]
    public void Merge_ShardsInOrder_GivesTheMatrixGroupedRows()
    {
        // Two shards of a 6-item matrix of one column: the merged rows are the whole matrix's, first occurrence, counts summed.
        KeptShard first = Shard(0, [1, 0, 1], prefixRows: 2);
        KeptShard second = Shard(3, [-1, 0, 0], prefixRows: 2);

        KeptVoteTable table = KeptVoteTable.Merge([first, second], itemCount: 6, programs: 1);

        DistinctRowTable expected = DistinctRowTable.BuildIfCompact(new LabelMatrix(6, 1, 2, (sbyte[])[1, 0, 1, -1, 0, 0]))!;
        Assert.Equal(expected.Count, table.Rows.Count);
        for (int r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected.GetRow(r).ToArray(), table.Rows.GetRow(r).ToArray());
            Assert.Equal(expected.GetWeight(r), table.Rows.GetWeight(r));
        }
    }

    [Fact]
    public void Merge_ShardsThatLeaveAGap_AreRefused()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => KeptVoteTable.Merge([Shard(0, [1, 0], 2), Shard(3, [0], 1)], itemCount: 4, programs: 1));

        Assert.Equal("The backend returned shard 1 from item 3 (1 items, 1 rows of 1); the next item is 2 and rows have 1 votes.", error.Message);
    }

    [Fact]
    public void CountIfBarelyRepeating_RowsThatBarelyRepeatInTheFirstItems_CountsThem()
    {
        // 70,000 items whose first 65,536 rows are 40,000 distinct: a run with the matrix would not group them.
        const int Width = 3;
        var rows = new List<sbyte>();
        var weights = new List<long>();
        for (int r = 0; r < 40_000; r++)
        {
            rows.AddRange([(sbyte)(r % 40), (sbyte)(r / 40 % 40), (sbyte)(r / 1_600)]);
            weights.Add(r == 0 ? 30_001 : 1);
        }

        var shard = new KeptShard(0, 70_000, Width, [.. rows], [.. weights], PrefixRows: 40_000, [new LabelingFunctionFaults("a", 0, 0, 0, false, null)]);

        Assert.Equal(40_000, KeptVoteTable.CountIfBarelyRepeating([shard], itemCount: 70_000));
    }

    [Fact]
    public void CountIfBarelyRepeating_RowsThatRepeat_IsNull()
    {
        // 70,000 items whose first 65,536 rows are 32,768 distinct, half: a run with the matrix groups them.
        const int Width = 2;
        var rows = new List<sbyte>();
        var weights = new List<long>();
        for (int r = 0; r < 32_768; r++)
        {
            rows.AddRange([(sbyte)(r % 128), (sbyte)(r / 128 % 128)]);
            weights.Add(r == 0 ? 37_233 : 1);
        }

        var shard = new KeptShard(0, 70_000, Width, [.. rows], [.. weights], PrefixRows: 32_768, [new LabelingFunctionFaults("a", 0, 0, 0, false, null)]);

        Assert.Null(KeptVoteTable.CountIfBarelyRepeating([shard], itemCount: 70_000));
        Assert.Null(KeptVoteTable.CountIfBarelyRepeating([Shard(0, [1, 0, 1], prefixRows: 2), Shard(3, [-1, 0, 0], prefixRows: 2)], itemCount: 6));
    }

    private static KeptShard Shard(long first, sbyte[] votes, int prefixRows)
    {
        var table = new DistinctRowTable(1);
        table.AddRows(votes);
        sbyte[] rows = [.. Enumerable.Range(0, table.Count).Select(r => table.GetRow(r)[0])];
        long[] weights = [.. Enumerable.Range(0, table.Count).Select(table.GetWeight)];
        return new KeptShard(first, votes.Length, 1, rows, weights, Math.Min(prefixRows, table.Count), [new LabelingFunctionFaults("a", votes.Length, 0, 0, false, null)]);
    }
}
