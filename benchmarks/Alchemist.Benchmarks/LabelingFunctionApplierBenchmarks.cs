using Alchemist.Tests.Shared;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// The applier on the workload: the ten YouTube spam functions over the YouTube train texts repeated to
/// 100,000 rows (one million function evaluations). Snorkel's PandasLFApplier needs 4.97 s for exactly this on these
/// machines (201k evaluations per second); the target is 100x.
/// </summary>
public class LabelingFunctionApplierBenchmarks
{
    private string[] _items = [];

    /// <summary>Gets or sets the number of rows.</summary>
    [Params(100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        _items = [.. Enumerable.Range(0, Rows).Select(i => texts[i % texts.Length])];
    }

    [Benchmark(Baseline = true)]
    public LabelMatrix Parallel() => new LabelingFunctionApplier().Apply(_items, YouTubeSpamFunctions.All, 2).Matrix;

    [Benchmark]
    public LabelMatrix Sequential() =>
        new LabelingFunctionApplier(new LabelingApplierOptions { MaxDegreeOfParallelism = 1 }).Apply(_items, YouTubeSpamFunctions.All, 2).Matrix;

    [Benchmark]
    public LabelMatrix Streamed() => new LabelingFunctionApplier().Apply(_items.Select(t => t), YouTubeSpamFunctions.All, 2).Matrix;
}
