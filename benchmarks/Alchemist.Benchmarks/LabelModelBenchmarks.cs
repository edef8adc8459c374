using Alchemist.Testing;
using BenchmarkDotNet.Attributes;

namespace Alchemist.Benchmarks;

/// <summary>
/// Fit and prediction of every label model at 100k and 1M items with 10 and 100 functions: synthetic binary votes from
/// known accuracies (0.55-0.95) and coverages (0.1-0.6), with a 1,000-item dev split drawn from the same functions.
/// </summary>
/// <remarks>
/// 1M x 100 is a 100 MB matrix whose rows are nearly all distinct, the worst case for grouping rows; 1M x 10 has a few
/// tens of thousands of distinct rows, like real matrices. The matrices are generated once per process and shared.
/// </remarks>
public class LabelModelBenchmarks
{
    private LabelMatrix _matrix = null!;
    private LabelModelFitOptions _options = null!;
    private LabelModel _fitted = null!;

    /// <summary>Gets or sets the number of items.</summary>
    [Params(100_000, 1_000_000)]
    public int Items { get; set; }

    /// <summary>Gets or sets the number of labeling functions.</summary>
    [Params(10, 100)]
    public int Functions { get; set; }

    /// <summary>Gets or sets the label model, by its catalog name.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "majority";

    /// <summary>
    /// Gets the models measured: every catalog model, or those named (comma-separated) in the environment variable
    /// <c>ALCHEMIST_BENCHMARK_MODELS</c>, read in process (with <c>--inProcess</c>), for example <c>hyper</c>.
    /// </summary>
    public static IEnumerable<string> Models =>
        Environment.GetEnvironmentVariable("ALCHEMIST_BENCHMARK_MODELS") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["majority", "weighted-majority", "dawid-skene", "snorkel", "flyingsquid", "hyper", "auto"];

    [GlobalSetup]
    public void Setup()
    {
        (_matrix, _options) = SyntheticMatrices.Get(Items, Functions);
        _fitted = LabelModelCatalog.CreateDefault().Create(Model);
        _fitted.Fit(_matrix, _options);
    }

    [Benchmark]
    public LabelModelFitReport Fit() => LabelModelCatalog.CreateDefault().Create(Model).Fit(_matrix, _options);

    [Benchmark]
    public ClassProbabilities PredictProbabilities() => _fitted.PredictProbabilities(_matrix);
}
