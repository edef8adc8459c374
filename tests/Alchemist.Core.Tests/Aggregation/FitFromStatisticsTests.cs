using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

/// <summary>Fitting from the merged statistics of partitions gives the same model as fitting the whole matrix.</summary>
public class FitFromStatisticsTests
{
    public static TheoryData<string, int> ModelsAndClasses()
    {
        var data = new TheoryData<string, int>();
        // Hyper (and auto, whose candidates include it) fits from statistics with distinct rows to the matrix fit when
        // the matrix's rows repeat, as these do.
        foreach (string name in LabelModelCatalog.CreateDefault().Names)
        {
            data.Add(name, 2);
            data.Add(name, 5);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndClasses))]
    public void Fit_MergedPartitionStatistics_EqualsFitOnTheWholeMatrix(string name, int classes)
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 31 + classes, items: 12_000, functions: 9, classes).Matrix;
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 41, items: 150, functions: 9, classes);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };

        LabelModel whole = LabelModelCatalog.CreateDefault().Create(name);
        whole.Fit(matrix, options);

        // Three "machines" each compute the statistics of their slice; only the statistics travel.
        LabelStatistics merged = LabelStatistics.Merge([
            LabelStatistics.Compute(matrix.SliceItems(0, 3_500)),
            LabelStatistics.Compute(matrix.SliceItems(3_500, 4_500)),
            LabelStatistics.Compute(matrix.SliceItems(8_000, 4_000)),
        ]);
        LabelModel fromStatistics = LabelModelCatalog.CreateDefault().Create(name);
        fromStatistics.Fit(merged, options);

        double[] expected = whole.PredictProbabilities(matrix).AsSpan().ToArray();
        double[] actual = fromStatistics.PredictProbabilities(matrix).AsSpan().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"{name}: value {i} is {actual[i]}, expected {expected[i]}.");
        }

        Assert.Equal(whole.FitReport.ClassBalance, fromStatistics.FitReport.ClassBalance);
        Assert.Equal(whole.FitReport.Iterations, fromStatistics.FitReport.Iterations);
    }

    [Fact]
    public void Fit_StatisticsWithoutDistinctRows_DawidSkeneSaysWhatItNeeds()
    {
        LabelStatistics stats = LabelStatistics.Compute(LabelMatrix.FromRows([[0, 1], [1, 1]], 2), new LabelStatisticsOptions { IncludeDistinctRows = false });
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => new DawidSkeneLabelModel().Fit(stats));
        Assert.Equal("Dawid-Skene needs the distinct rows of the label matrix; compute the statistics with LabelStatisticsOptions.IncludeDistinctRows set to true.", ex.Message);
    }

    [Fact]
    public void Fit_StatisticsWithoutPairCounts_MomentModelsSayWhatTheyNeed()
    {
        LabelStatistics stats = LabelStatistics.Compute(LabelMatrix.FromRows([[0, 1], [1, 1]], 2), new LabelStatisticsOptions { IncludePairCounts = false });
        Assert.Throws<InvalidOperationException>(() => new SnorkelLabelModel().Fit(stats));
        Assert.Throws<InvalidOperationException>(() => new FlyingSquidLabelModel().Fit(stats));
        Assert.Throws<InvalidOperationException>(() => new WeightedMajorityLabelModel().Fit(stats));
        Assert.True(new MajorityVoteLabelModel().Fit(stats).ClassBalance.Count == 2);
    }

    [Fact]
    public void Fit_EmptyStatistics_Throws()
    {
        LabelStatistics empty = LabelStatistics.Compute(new LabelMatrix(0, 2, 2, ReadOnlySpan<sbyte>.Empty));
        Assert.Throws<ArgumentException>("statistics", () => new DawidSkeneLabelModel().Fit(empty));
    }

    [Fact]
    public void Fit_NullStatistics_Throws() =>
        Assert.Throws<ArgumentNullException>("statistics", () => new DawidSkeneLabelModel().Fit((LabelStatistics)null!));
}
