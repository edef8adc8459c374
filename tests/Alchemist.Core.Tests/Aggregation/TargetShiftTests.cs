using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

/// <summary>The experimental rules of auto that read the matrix being labeled (docs/experiments/label-models-auto-rule.md, 2026-12-05): their mechanics, not their figures.</summary>
public class TargetShiftTests
{
    private static LabelMatrix Rows(int classes, params int[][] rows) => LabelMatrix.FromRows(rows, classes);

    /// <summary>A 2-function binary matrix in which function 0 fires on <paramref name="firing"/> of <paramref name="items"/> items and function 1 on every other item.</summary>
    private static LabelMatrix Firing(int items, int firing) =>
        LabelMatrix.FromRows([.. Enumerable.Range(0, items).Select(i => (IReadOnlyList<int>)[i < firing ? 1 : -1, i % 2 == 0 ? 0 : -1])], 2);

    [Fact]
    public void FiringRateStatistic_SameMatrix_IsZeroAndNotShifted()
    {
        LabelMatrix matrix = Firing(200, 40);

        (double statistic, int functions) = TargetShift.FiringRateStatistic(matrix, matrix);

        Assert.Equal(0, statistic);
        Assert.Equal(2, functions);
        Assert.False(TargetShift.IsShifted(matrix, matrix));
    }

    [Fact]
    public void FiringRateStatistic_IsTheSumOfSquaredTwoProportionZStatistics()
    {
        LabelMatrix dev = Firing(100, 10), target = Firing(400, 240);
        double pooled = (10 + 240) / 500.0;
        double z = (0.1 - 0.6) / Math.Sqrt(pooled * (1 - pooled) * ((1 / 100.0) + (1 / 400.0)));

        (double statistic, int functions) = TargetShift.FiringRateStatistic(dev, target);

        // Function 1 fires on half the items of both: it adds nothing.
        Assert.Equal(z * z, statistic, 12);
        Assert.Equal(2, functions);
        Assert.True(TargetShift.IsShifted(dev, target));
    }

    [Fact]
    public void FiringRateStatistic_FunctionThatNeverFires_IsLeftOut()
    {
        LabelMatrix dev = Rows(2, [1, -1], [-1, -1]), target = Rows(2, [-1, -1], [1, -1], [1, -1]);

        Assert.Equal(1, TargetShift.FiringRateStatistic(dev, target).Functions);
    }

    [Fact]
    public void ImportanceWeights_TargetIsTheDevSplit_AreAllOne()
    {
        LabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 300, functions: 6, classes: 3).Matrix;

        Assert.All(TargetShift.ImportanceWeights(dev, dev), w => Assert.Equal(1.0, w));
    }

    [Fact]
    public void ImportanceWeights_AreTheSmoothedRatioOfTheRowsFrequencies()
    {
        // Dev: row a twice, row b once (R = 2 distinct rows). Target: a once, b four times, c (not in dev) five times.
        LabelMatrix dev = Rows(2, [1, -1], [1, -1], [-1, 0]);
        LabelMatrix target = Rows(2, [1, -1], [-1, 0], [-1, 0], [-1, 0], [-1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]);
        double a = ((1 + 1) / (10.0 + 2)) / ((2 + 1) / (3.0 + 2));
        double b = ((4 + 1) / (10.0 + 2)) / ((1 + 1) / (3.0 + 2));

        double[] weights = TargetShift.ImportanceWeights(dev, target);

        Assert.Equal([a, a, b], weights);
    }

    [Fact]
    public void Score_IntegerWeights_EqualRepeatingTheItems()
    {
        // Accuracy and F1 (expected under random tie-breaks) with weights 2, 0, 1, 3 equal the scores of the items repeated that often.
        var p = new ClassProbabilities(4, 2, [0.2, 0.8, 0.5, 0.5, 0.9, 0.1, 0.4, 0.6]);
        int[] gold = [1, 0, 1, 0];
        var repeated = new ClassProbabilities(6, 2, [0.2, 0.8, 0.2, 0.8, 0.9, 0.1, 0.4, 0.6, 0.4, 0.6, 0.4, 0.6]);
        int[] repeatedGold = [1, 1, 1, 0, 0, 0];

        foreach (LabelModelMetric metric in new[] { LabelModelMetric.Accuracy, LabelModelMetric.F1 })
        {
            Assert.Equal(DevScoring.Score(repeated, repeatedGold, metric), DevScoring.Score(p, gold, metric, [2, 0, 1, 3]), 12);
            Assert.Equal(DevScoring.Score(p, gold, metric), DevScoring.Score(p, gold, metric, [1, 1, 1, 1]));
        }
    }

    [Fact]
    public void Fit_ImportanceWeightedWithTheDevSplitAsTarget_ScoresAndChoosesAsTheShippedRule()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 12, items: 3_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 13, items: 200, functions: 6, classes: 3);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };

        LabelModelFitReport shipped = new AutoLabelModel().Fit(synthetic.Matrix, options);
        LabelModelFitReport weighted = new AutoLabelModel { TargetRule = AutoTargetRule.ImportanceWeighted, Target = dev.Matrix }.Fit(synthetic.Matrix, options);

        Assert.Equal(shipped.CandidateScores, weighted.CandidateScores);
        Assert.Equal(shipped.Selected, weighted.Selected);
        Assert.Equal(shipped.SelectionReason, weighted.SelectionReason);
    }

    [Fact]
    public void Fit_HyperWhenShifted_ShiftedTargetIsLabeledByHyperAndSaysWhy()
    {
        // The target fires function 0 on 60% of its items, the dev split on 10%; the fitted matrix is the dev split's
        // population, so the shipped rule's choice is whatever it is, and the shifted target takes hyper instead.
        LabelMatrix matrix = Firing(2_000, 200), dev = Firing(200, 20), target = Firing(2_000, 1_200);
        int[] labels = [.. Enumerable.Range(0, 200).Select(i => i < 20 || i % 3 == 0 ? 1 : 0)];
        var options = new LabelModelFitOptions { DevMatrix = dev, DevLabels = labels };
        LabelModelFitReport shipped = new AutoLabelModel { DefaultCandidate = "weighted-majority", ChallengeStandardErrors = 1e9 }.Fit(matrix, options);
        var auto = new AutoLabelModel { DefaultCandidate = "weighted-majority", ChallengeStandardErrors = 1e9, TargetRule = AutoTargetRule.HyperWhenShifted, Target = target };

        LabelModelFitReport report = auto.Fit(matrix, options);
        LabelModelFitReport unshifted = new AutoLabelModel { DefaultCandidate = "weighted-majority", ChallengeStandardErrors = 1e9, TargetRule = AutoTargetRule.HyperWhenShifted }.Fit(matrix, options);

        Assert.Equal("weighted-majority", shipped.Selected);
        Assert.Equal("hyper", report.Selected);
        Assert.Equal("'hyper' labels the matrix: its firing rates differ from the dev split's (instead of 'weighted-majority').", report.SelectionReason);
        var hyper = new HyperLabelModel();
        hyper.Fit(matrix);
        Assert.Equal(hyper.PredictProbabilities(target).AsSpan().ToArray(), auto.PredictProbabilities(target).AsSpan().ToArray());
        Assert.Equal("weighted-majority", unshifted.Selected);
    }
}
