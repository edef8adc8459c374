using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Aggregation;

public class MajorityVoteLabelModelTests
{
    [Theory]
    [InlineData("youtube", 206, 182)]
    [InlineData("trec", 433, 284)]
    [InlineData("sms", 196, 160)]
    [InlineData("imdb", 1982, 1509)]
    public void Predict_WrenchTestSplits_MatchesSnorkelMajorityLabelVoterOnClearRows(string name, int clearRows, int correct)
    {
        // Snorkel's MajorityLabelVoter (tie_break_policy="abstain") decides the same rows with the same accuracy:
        // YouTube 0.8835, TREC 0.6559, SMS 0.8163, IMDb 0.7614.
        WrenchDataset dataset = TestData.Load(name);
        var model = new MajorityVoteLabelModel();
        model.Fit(dataset.Train.WeakLabels);

        int[] predicted = model.Predict(dataset.Test!.WeakLabels, TieBreak.Abstain);

        Assert.Equal(clearRows, predicted.Count(p => p != Label.Abstain));
        Assert.Equal(correct, predicted.Where((p, i) => p != Label.Abstain && p == dataset.Test.GoldLabels[i]).Count());
    }

    [Fact]
    public void Predict_YouTubeRandomTieBreak_IsNearSnorkelsWholeSplitAccuracy()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        var model = new MajorityVoteLabelModel();
        model.Fit(youtube.Train.WeakLabels);
        ClassProbabilities probabilities = model.PredictProbabilities(youtube.Test!.WeakLabels);

        double[] accuracies = [.. Enumerable.Range(0, 20).Select(seed => ClassificationMetrics.Accuracy(youtube.Test.GoldLabels, probabilities.Predict(TieBreak.Random(seed))))];

        // 182 of the 206 clear rows are right whatever the seed; the 44 tied rows are coin flips, so the mean is near
        // (182 + 22) / 250 = 0.816 and the reference 0.840 is one draw of it.
        Assert.All(accuracies, a => Assert.InRange(a, 182 / 250.0, 226 / 250.0));
        Assert.InRange(accuracies.Average(), 0.79, 0.85);
        Assert.Contains(accuracies, a => Math.Abs(a - 0.840) <= 0.0121);
        Assert.Equal(accuracies[3], ClassificationMetrics.Accuracy(youtube.Test.GoldLabels, probabilities.Predict(TieBreak.Random(3))));
    }

    [Fact]
    public void PredictProbabilities_AreVoteSharesAndUniformWithoutVotes()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 0, 1, -1], [-1, -1, -1, -1], [2, 2, 2, 2]], classCount: 3);
        var model = new MajorityVoteLabelModel();
        model.Fit(matrix);

        ClassProbabilities p = model.PredictProbabilities(matrix);

        Assert.Equal([2 / 3.0, 1 / 3.0, 0], p.GetRow(0).ToArray());
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], p.GetRow(1).ToArray());
        Assert.Equal([0, 0, 1.0], p.GetRow(2).ToArray());
    }

    [Fact]
    public void Predict_TiePolicies_BehaveAsDocumented()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 1], [1, -1], [-1, -1]], classCount: 2);
        var model = new MajorityVoteLabelModel();
        model.Fit(matrix, new LabelModelFitOptions { ClassBalance = [0.2, 0.8] });

        Assert.Equal([Label.Abstain, 1, Label.Abstain], model.Predict(matrix, TieBreak.Abstain));
        Assert.Equal([1, 1, 1], model.Predict(matrix, TieBreak.ClassPrior));
        int[] random = model.Predict(matrix, TieBreak.Random(7));
        Assert.Equal(1, random[1]);
        Assert.All(random, r => Assert.InRange(r, 0, 1));
    }

    [Fact]
    public void Fit_EstimatesBalanceFromVotes()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 0], [0, 1]], classCount: 2);
        var model = new MajorityVoteLabelModel();
        LabelModelFitReport report = model.Fit(matrix);
        Assert.Equal("majority", report.ModelName);
        Assert.Equal([4 / 6.0, 2 / 6.0], report.ClassBalance);
        Assert.Null(report.Iterations);
    }

    [Fact]
    public void Fit_DevSplit_ReportsItsDevScoreWithoutWarning()
    {
        LabelMatrix matrix = LabelMatrix.FromRows([[0, 0], [1, -1], [-1, -1]], classCount: 2);
        LabelModelFitReport report = new MajorityVoteLabelModel().Fit(matrix, new LabelModelFitOptions { DevMatrix = matrix, DevLabels = [0, 0, 1] });

        // Row 0 right, row 1 wrong, row 2 a coin flip: 1.5 of 3.
        Assert.Equal(0.5, report.DevScore);
        Assert.Empty(report.Warnings);
        Assert.Equal([0.6, 0.4], report.ClassBalance);
    }
}
