using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

/// <summary>Property-style checks every registered model must pass on generated and adversarial matrices.</summary>
public class LabelModelInvariantTests
{
    public static TheoryData<string> ModelNames() => [.. LabelModelCatalog.CreateDefault().Names];

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PredictProbabilities_GeneratedMatrices_AreDistributions(string name)
    {
        for (int seed = 0; seed < 12; seed++)
        {
            int classes = 2 + (seed % 4);
            SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed, items: 300, functions: 3 + (seed % 7), classes);
            LabelMatrix dev = LabelMatrixGenerator.Create(seed + 100, items: 60, functions: synthetic.Matrix.FunctionCount, classes).Matrix;
            var options = new LabelModelFitOptions { DevMatrix = dev, DevLabels = [.. Enumerable.Range(0, 60).Select(i => i % classes)] };

            AssertDistributions(name, synthetic.Matrix, seed % 2 == 0 ? options : null);
        }
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PredictProbabilities_AllAbstainRowsAndSilentFunctions_AreDistributions(string name)
    {
        // Coverage 0 for two functions, and most rows without any vote.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(
            seed: 5, items: 400, classes: 3, accuracies: [0.8, 0.7, 0.9, 0.6, 0.75], coverages: [0.05, 0, 0.1, 0, 0.02], classBalance: [0.5, 0.3, 0.2]);

        ClassProbabilities p = AssertDistributions(name, synthetic.Matrix, null);

        LabelMatrix silent = LabelMatrix.FromRows([[-1, -1, -1, -1, -1]], 3);
        LabelModel model = Fitted(name, synthetic.Matrix, null);
        ClassProbabilities none = model.PredictProbabilities(silent);
        Assert.Equal(1, none.GetRow(0).ToArray().Sum(), 9);
        Assert.NotEmpty(p.AsSpan().ToArray());
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PredictProbabilities_EveryFunctionSilent_IsTheClassBalanceOrUniform(string name)
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[-1, -1], [-1, -1], [-1, -1]], 2);
        ClassProbabilities p = AssertDistributions(name, matrix, null);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(p.GetRow(0).ToArray(), p.GetRow(i).ToArray()));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PredictProbabilities_SingleClassPresent_AreDistributions(string name)
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(
            seed: 2, items: 500, classes: 4, accuracies: [1, 1, 1, 1], coverages: [0.5, 0.4, 0.6, 0.3], classBalance: [0, 0, 1, 0]);
        Assert.All(synthetic.Matrix.AsSpan().ToArray(), v => Assert.True(v is -1 or 2));
        var options = new LabelModelFitOptions { DevMatrix = synthetic.Matrix.SliceItems(0, 50), DevLabels = [.. Enumerable.Repeat(2, 50)] };

        ClassProbabilities p = AssertDistributions(name, synthetic.Matrix, options);
        int[] predicted = p.Predict(TieBreak.ClassPrior, [0.1, 0.1, 0.7, 0.1]);
        Assert.All(Enumerable.Range(0, 500).Where(i => synthetic.Matrix.GetRow(i).Contains((sbyte)2)), i => Assert.Equal(2, predicted[i]));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PredictProbabilities_HundredClasses_AreDistributions(string name)
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 9, items: 300, functions: 8, classes: 100);
        LabelMatrix dev = LabelMatrixGenerator.Create(seed: 10, items: 100, functions: 8, classes: 100).Matrix;
        var options = new LabelModelFitOptions { DevMatrix = dev, DevLabels = [.. Enumerable.Range(0, 100).Select(i => i % 100)] };

        AssertDistributions(name, synthetic.Matrix, options);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void PredictProbabilities_ManyConfidentFunctions_DoNotOverflow(string name)
    {
        // 150 functions at 99% accuracy: the log-odds of a row reach hundreds of nats.
        double[] accuracies = [.. Enumerable.Repeat(0.99, 150)];
        double[] coverages = [.. Enumerable.Repeat(0.9, 150)];
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 4, items: 400, classes: 2, accuracies, coverages, classBalance: [0.5, 0.5]);

        ClassProbabilities p = AssertDistributions(name, synthetic.Matrix, null);
        Assert.True(ClassificationMetrics.Accuracy(synthetic.TrueLabels, p.Predict(TieBreak.ClassPrior)) > 0.95);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Fit_SameInput_SameResultEveryTime(string name)
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 8, items: 2_000, functions: 9, classes: 3);
        LabelMatrix dev = LabelMatrixGenerator.Create(seed: 18, items: 100, functions: 9, classes: 3).Matrix;
        LabelModelFitOptions Options(int seed) => new() { DevMatrix = dev, DevLabels = [.. Enumerable.Range(0, 100).Select(i => i % 3)], Seed = seed };

        double[] first = Fitted(name, synthetic.Matrix, Options(1)).PredictProbabilities(synthetic.Matrix).AsSpan().ToArray();
        double[] second = Fitted(name, synthetic.Matrix, Options(2)).PredictProbabilities(synthetic.Matrix).AsSpan().ToArray();

        Assert.Equal(first, second);
    }

    internal static LabelModel Fitted(string name, LabelMatrix matrix, LabelModelFitOptions? options)
    {
        LabelModel model = LabelModelCatalog.CreateDefault().Create(name);
        model.Fit(matrix, options);
        return model;
    }

    private static ClassProbabilities AssertDistributions(string name, LabelMatrix matrix, LabelModelFitOptions? options)
    {
        LabelModel model = Fitted(name, matrix, options);
        ClassProbabilities p = model.PredictProbabilities(matrix);
        for (int i = 0; i < p.ItemCount; i++)
        {
            ReadOnlySpan<double> row = p.GetRow(i);
            double sum = 0;
            foreach (double value in row)
            {
                Assert.True(double.IsFinite(value) && value >= 0 && value <= 1, $"{name}: row {i} holds {value}.");
                sum += value;
            }

            Assert.Equal(1, sum, 9);
        }

        Assert.All(model.FitReport.ClassBalance, b => Assert.True(double.IsFinite(b) && b > 0 && b < 1, $"{name}: class balance {b}."));
        Assert.All(model.FitReport.FunctionAccuracies ?? [], a => Assert.True(double.IsFinite(a), $"{name}: accuracy {a}."));
        return p;
    }
}
