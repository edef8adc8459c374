namespace Alchemist.Tests.Evaluation;

public class ClassificationMetricsTests
{
    private static readonly int[] Gold = [0, 1, 1, 0, 1, 2];
    private static readonly int[] Predicted = [0, 1, 0, -1, 1, 1];

    [Fact]
    public void Accuracy_AbstainIsWrong() => Assert.Equal(3 / 6.0, ClassificationMetrics.Accuracy(Gold, Predicted), 12);

    [Fact]
    public void F1_OfClassOne_MatchesScikitLearn()
    {
        // sklearn.metrics.f1_score([0,1,1,0,1,2], [0,1,0,-1,1,1], labels=[1], average='macro') = 2*2/(2*2+1+1) = 0.6667
        Assert.Equal(2 * 2 / 6.0, ClassificationMetrics.F1(Gold, Predicted), 12);
    }

    [Fact]
    public void MacroF1_AveragesPresentClasses()
    {
        // class 0: tp 1, fp 1, fn 1 -> 1/2; class 1: tp 2, fp 1, fn 1 -> 2/3; class 2: tp 0 -> 0.
        Assert.Equal((0.5 + (2 / 3.0) + 0) / 3, ClassificationMetrics.MacroF1(Gold, Predicted, 3), 12);
    }

    [Fact]
    public void F1_NoPositives_IsZero() => Assert.Equal(0, ClassificationMetrics.F1([0, 0], [0, 0]));

    [Fact]
    public void Score_BinaryHasF1_MulticlassDoesNot()
    {
        Assert.NotNull(ClassificationMetrics.Score([0, 1], [0, 1], 2).F1);
        Assert.Null(ClassificationMetrics.Score(Gold, Predicted, 3).F1);
    }

    [Fact]
    public void Accuracy_LengthMismatch_Throws()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("predicted", () => ClassificationMetrics.Accuracy([0, 1], [0]));
        Assert.StartsWith("1 predictions were given for 2 gold labels.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accuracy_Empty_IsZero() => Assert.Equal(0, ClassificationMetrics.Accuracy([], []));
}
