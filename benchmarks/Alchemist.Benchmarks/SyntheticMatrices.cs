using Alchemist.Testing;

namespace Alchemist.Benchmarks;

/// <summary>Generates the benchmark matrices once per process (a 1M x 100 matrix takes seconds to draw) with a dev split from the same functions.</summary>
internal static class SyntheticMatrices
{
    private static readonly Dictionary<(int, int), (LabelMatrix, LabelModelFitOptions)> Cache = [];

    public static (LabelMatrix Matrix, LabelModelFitOptions Options) Get(int items, int functions)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue((items, functions), out (LabelMatrix, LabelModelFitOptions) entry))
            {
                SyntheticLabelMatrix train = LabelMatrixGenerator.Create(seed: 42, items, functions, classes: 2);
                SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 43, 1_000, 2, train.Accuracies, train.Coverages, train.ClassBalance);
                entry = (train.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });
                Cache[(items, functions)] = entry;
            }

            return entry;
        }
    }
}
