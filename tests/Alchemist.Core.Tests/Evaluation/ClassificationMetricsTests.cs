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

    [Fact]
    public void ConfusionMatrix_CountsPredictionsAndAbstainsPerGoldClass()
    {
        int[] gold = [0, 0, 0, 1, 1, 2, 2, 2];
        int[] predicted = [0, 1, -1, 1, 1, 2, 0, 2];
        var confusion = new ConfusionMatrix(gold, predicted, classCount: 3);

        Assert.Equal(1, confusion[0, 0]);
        Assert.Equal(1, confusion[0, 1]);
        Assert.Equal(1, confusion.Abstained(0));
        Assert.Equal(3, confusion.Support(0));
        Assert.Equal(0.5, confusion.Precision(0));    // predicted 0 twice, once right
        Assert.Equal(1.0 / 3, confusion.Recall(0), 12); // the abstain counts against recall
        Assert.Equal(2 * 0.5 * (1.0 / 3) / (0.5 + (1.0 / 3)), confusion.F1(0), 12);
        Assert.Equal(2.0 / 3, confusion.Precision(1), 12);
        Assert.Equal(1.0, confusion.Recall(1));
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(ClassificationMetrics.F1(gold, predicted, c), confusion.F1(c), 12);
        }
    }

    [Fact]
    public void ConfusionMatrix_BadInput_IsRefusedWithWhatIsWrong()
    {
        Assert.Contains("not a class", Assert.Throws<ArgumentException>("gold", () => new ConfusionMatrix([0, 5], [0, 1], 2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("predicted", () => new ConfusionMatrix([0, 1], [0], 2));
        Assert.Throws<ArgumentOutOfRangeException>("classCount", () => new ConfusionMatrix([0], [0], 1));
        Assert.Throws<ArgumentOutOfRangeException>("predicted", () => new ConfusionMatrix([0], [0], 2)[0, 2]);
    }

    [Fact]
    public void Score_CarriesTheConfusionMatrix_WhenEveryGoldLabelIsAClass()
    {
        Assert.Equal(2, ClassificationMetrics.Score([0, 1, 1], [0, 1, 0], 2).Confusion![1, 1] + ClassificationMetrics.Score([0, 1, 1], [0, 1, 0], 2).Confusion![0, 0]);
        Assert.Null(ClassificationMetrics.Score([0, -1], [0, 1], 2).Confusion);
    }
}
