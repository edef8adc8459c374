namespace Alchemist.Tests.Aggregation;

public class DecisionShiftTests
{
    [Fact]
    public void Tune_RareClass_MovesTheThresholdBelowOneHalfForF1()
    {
        // Class 1 is rare and never more likely than 0.3: argmax never predicts it, but predicting it above 0.2 pays.
        double[] p1 = [0.3, 0.3, 0.25, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05];
        int[] gold = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        var probabilities = new ClassProbabilities(10, 2, [.. p1.SelectMany(p => new[] { 1 - p, p })]);

        double shift = DecisionShift.Tune(probabilities, gold, LabelModelMetric.F1);

        Span<double> row = [0.7, 0.3];
        DecisionShift.Apply(row, shift);
        Assert.True(row[1] > 0.5);
        row = [0.75, 0.25];
        DecisionShift.Apply(row, shift);
        Assert.True(row[1] < 0.5);
        Assert.Equal(1, row[0] + row[1], 12);
    }

    [Fact]
    public void Tune_CalibratedAndSeparable_KeepsNoShift()
    {
        var probabilities = new ClassProbabilities(4, 2, [0.9, 0.1, 0.8, 0.2, 0.2, 0.8, 0.1, 0.9]);
        Assert.Equal(0, DecisionShift.Tune(probabilities, [0, 0, 1, 1], LabelModelMetric.Accuracy));
    }
}
