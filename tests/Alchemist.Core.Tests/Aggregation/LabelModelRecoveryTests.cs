using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

/// <summary>On matrices drawn from the model weak supervision assumes, the unsupervised fits recover the true accuracies.</summary>
public class LabelModelRecoveryTests
{
    [Theory]
    [InlineData(WeightedMajorityLabelModel.ModelName, 2)]
    [InlineData(DawidSkeneLabelModel.ModelName, 2)]
    [InlineData(SnorkelLabelModel.ModelName, 2)]
    [InlineData(FlyingSquidLabelModel.ModelName, 2)]
    [InlineData(WeightedMajorityLabelModel.ModelName, 4)]
    [InlineData(DawidSkeneLabelModel.ModelName, 4)]
    [InlineData(SnorkelLabelModel.ModelName, 4)]
    [InlineData(FlyingSquidLabelModel.ModelName, 4)]
    public void Fit_ConditionallyIndependentFunctions_RecoversTheirAccuracies(string name, int classes)
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 11, items: 100_000, functions: 10, classes);

        // Snorkel's default L2 pull toward its start biases extreme accuracies on 100k items (see the next test); unpulled, it recovers them.
        LabelModel model = name == SnorkelLabelModel.ModelName ? new SnorkelLabelModel { Regularization = 0 } : LabelModelCatalog.CreateDefault().Create(name);

        LabelModelFitReport report = model.Fit(synthetic.Matrix, new LabelModelFitOptions { ClassBalanceEstimation = ClassBalanceEstimation.Votes });

        Assert.NotNull(report.FunctionAccuracies);
        for (int j = 0; j < synthetic.Accuracies.Count; j++)
        {
            Assert.InRange(report.FunctionAccuracies[j], synthetic.Accuracies[j] - 0.03, synthetic.Accuracies[j] + 0.03);
        }

        Assert.All(report.ClassBalance, b => Assert.InRange(b, (1.0 / classes) - 0.02, (1.0 / classes) + 0.02));
    }

    [Fact]
    public void Fit_SnorkelDefaultPull_StaysNearTheTruthAndShrinksTowardTheStart()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 11, items: 100_000, functions: 10, classes: 2);

        IReadOnlyList<double> fitted = new SnorkelLabelModel().Fit(synthetic.Matrix).FunctionAccuracies!;

        for (int j = 0; j < fitted.Count; j++)
        {
            double truth = synthetic.Accuracies[j];
            Assert.InRange(fitted[j], truth - 0.07, truth + 0.07);

            // The bias points toward the start's 0.7.
            Assert.True(Math.Abs(fitted[j] - 0.7) <= Math.Abs(truth - 0.7) + 0.02, $"Function {j}: {fitted[j]} vs {truth}.");
        }
    }

    [Fact]
    public void Fit_SkewedBalance_DawidSkeneEstimatesItFromTheVotes()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(
            seed: 3, items: 50_000, classes: 3, accuracies: [0.9, 0.8, 0.7, 0.85, 0.75, 0.65], coverages: [0.5, 0.4, 0.6, 0.3, 0.5, 0.4], classBalance: [0.6, 0.3, 0.1]);

        LabelModelFitReport report = new DawidSkeneLabelModel().Fit(synthetic.Matrix);

        Assert.InRange(report.ClassBalance[0], 0.58, 0.62);
        Assert.InRange(report.ClassBalance[1], 0.28, 0.32);
        Assert.InRange(report.ClassBalance[2], 0.08, 0.12);
    }

    [Theory]
    [InlineData(MajorityVoteLabelModel.ModelName)]
    [InlineData(WeightedMajorityLabelModel.ModelName)]
    [InlineData(DawidSkeneLabelModel.ModelName)]
    [InlineData(SnorkelLabelModel.ModelName)]
    [InlineData(FlyingSquidLabelModel.ModelName)]
    public void Predict_ConditionallyIndependentFunctions_BeatsTheBestFunction(string name)
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(
            seed: 21, items: 20_000, classes: 2, accuracies: [0.8, 0.75, 0.7, 0.65, 0.6, 0.85, 0.7], coverages: [1, 1, 1, 1, 1, 1, 1], classBalance: [0.5, 0.5]);
        LabelModel model = LabelModelCatalog.CreateDefault().Create(name);
        model.Fit(synthetic.Matrix);

        double accuracy = ClassificationMetrics.Accuracy(synthetic.TrueLabels, model.Predict(synthetic.Matrix, TieBreak.Random(0)));

        Assert.True(accuracy > 0.87, $"{name}: {accuracy}");
    }
}
