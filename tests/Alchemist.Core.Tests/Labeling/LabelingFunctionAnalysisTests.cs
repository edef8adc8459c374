using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Labeling;

public class LabelingFunctionAnalysisTests
{
    // Snorkel's LFAnalysis docstring example: L = [[-1, 0], [-1, 1], [1, -1], [0, 0]] ... extended with gold labels.
    private static readonly LabelMatrix Matrix = LabelMatrix.FromRows(
        [[-1, 0, 0], [-1, 1, 1], [1, -1, -1], [0, 0, 1], [-1, -1, -1]], classCount: 2, ["a", "b", "c"]);

    [Fact]
    public void Analyze_ComputesSnorkelDefinitions()
    {
        LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(Matrix);

        Assert.Equal(5, analysis.ItemCount);
        Assert.Equal(0.8, analysis.Coverage, 12);          // rows 0..3 have a vote
        Assert.Equal(0.6, analysis.Overlap, 12);           // rows 0, 1, 3 have two or more
        Assert.Equal(0.2, analysis.Conflict, 12);          // row 3 disagrees

        LabelingFunctionSummary a = analysis.Functions[0];
        Assert.Equal([0, 1], a.Polarity);
        Assert.Equal(2, a.Votes);
        Assert.Equal(0.4, a.Coverage, 12);
        Assert.Equal(0.2, a.Overlaps, 12);
        Assert.Equal(0.2, a.Conflicts, 12);
        Assert.Null(a.EmpiricalAccuracy);

        LabelingFunctionSummary c = analysis.Functions[2];
        Assert.Equal([0, 1], c.Polarity);
        Assert.Equal(0.6, c.Coverage, 12);
        Assert.Equal(0.6, c.Overlaps, 12);
        Assert.Equal(0.2, c.Conflicts, 12);
    }

    [Fact]
    public void Analyze_WithGold_ComputesEmpiricalAccuracy()
    {
        LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(Matrix, [0, 1, 1, 1, 0]);
        LabelingFunctionSummary b = analysis.Functions[1];
        Assert.Equal(2, b.Correct);
        Assert.Equal(1, b.Incorrect);
        Assert.Equal(2.0 / 3, b.EmpiricalAccuracy!.Value, 12);
    }

    [Fact]
    public void Analyze_UnknownGold_IsLeftOut()
    {
        LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(Matrix, [-1, -1, 1, -1, -1]);
        Assert.Equal(1.0, analysis.Functions[0].EmpiricalAccuracy);
        Assert.Null(analysis.Functions[1].EmpiricalAccuracy);
    }

    [Fact]
    public void Analyze_WrongGoldLength_Throws() =>
        Assert.Throws<ArgumentException>("goldLabels", () => LabelingFunctionAnalysis.Analyze(Matrix, [0]));

    [Fact]
    public void Analyze_YouTubeTrain_MatchesAnIndependentComputation()
    {
        // Expected figures computed from train.json with a plain Python script of the same definitions.
        WrenchSplit train = TestData.Load("youtube").Train;
        LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(train.WeakLabels, train.GoldLabels);
        Assert.Equal(1686, analysis.ItemCount);
        Assert.Equal(0.8932384341637011, analysis.Coverage, 12);
        Assert.Equal(0.5130486358244365, analysis.Overlap, 12);
        Assert.Equal(0.27402135231316727, analysis.Conflict, 12);
        Assert.Equal(0.19988137603795966, analysis.Functions[0].Coverage, 12);
        Assert.Equal(0.8694362017804155, analysis.Functions[0].EmpiricalAccuracy!.Value, 12);
        Assert.Equal(0.11506524317912219, analysis.Functions[0].Conflicts, 12);
        Assert.Equal(1.0, analysis.Functions[5].EmpiricalAccuracy!.Value, 12);
        Assert.Equal(0.5740131578947368, analysis.Functions[9].EmpiricalAccuracy!.Value, 12);
        Assert.Equal(0.16251482799525505, analysis.Functions[9].Conflicts, 12);
    }
}
