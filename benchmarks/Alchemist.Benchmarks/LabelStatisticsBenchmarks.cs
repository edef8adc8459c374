using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>The one pass every unsupervised fit starts from, and the merge of four partitions' statistics.</summary>
public class LabelStatisticsBenchmarks
{
    private LabelMatrix _matrix = null!;
    private LabelStatistics[] _parts = null!;

    /// <summary>Gets or sets the number of items.</summary>
    [Params(1_000_000)]
    public int Items { get; set; }

    /// <summary>Gets or sets the number of labeling functions.</summary>
    [Params(10, 100)]
    public int Functions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_matrix, _) = SyntheticMatrices.Get(Items, Functions);
        int quarter = Items / 4;
        _parts = [.. Enumerable.Range(0, 4).Select(p => LabelStatistics.Compute(_matrix.SliceItems(p * quarter, quarter)))];
    }

    [Benchmark]
    public LabelStatistics ComputeAll() => LabelStatistics.Compute(_matrix);

    [Benchmark]
    public LabelStatistics ComputePairCountsOnly() => LabelStatistics.Compute(_matrix, new LabelStatisticsOptions { IncludeDistinctRows = false });

    [Benchmark]
    public LabelStatistics MergeFourPartitions() => LabelStatistics.Merge(_parts);
}
