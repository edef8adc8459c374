using Alchemist.Testing;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>Majority vote fit and prediction at 100k and 1M items with 10 functions (synthetic votes of known accuracy).</summary>
public class MajorityVoteBenchmarks
{
    private LabelMatrix _matrix = null!;
    private MajorityVoteLabelModel _fitted = null!;

    /// <summary>Gets or sets the number of items.</summary>
    [Params(100_000, 1_000_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _matrix = LabelMatrixGenerator.Create(seed: 42, items: Items, functions: 10, classes: 2).Matrix;
        _fitted = new MajorityVoteLabelModel();
        _fitted.Fit(_matrix);
    }

    [Benchmark]
    public LabelModelFitReport Fit() => new MajorityVoteLabelModel().Fit(_matrix);

    [Benchmark]
    public ClassProbabilities PredictProbabilities() => _fitted.PredictProbabilities(_matrix);

    [Benchmark]
    public int[] PredictWithRandomTieBreak() => _fitted.Predict(_matrix, TieBreak.Random(0));
}
