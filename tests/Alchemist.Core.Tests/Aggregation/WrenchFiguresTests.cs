using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Aggregation;

/// <summary>
/// The test-split figures of every model on the repository's WRENCH data, under the WRENCH protocol: fit on the train
/// votes (valid.json as the dev split), predict the test split, ties broken by a seeded random choice (seed 0);
/// accuracy, F1 of spam for SMS. The figures are the ones docs/label-models.md reports.
/// </summary>
public class WrenchFiguresTests
{
    [Theory]
    [InlineData("youtube", "majority", 0.832)]
    [InlineData("youtube", "weighted-majority", 0.876)]
    [InlineData("youtube", "dawid-skene", 0.832)]
    [InlineData("youtube", "snorkel", 0.840)]
    [InlineData("youtube", "flyingsquid", 0.776)]
    [InlineData("youtube", "hyper", 0.856)]
    [InlineData("youtube", "hyper-semi", 0.856)]
    [InlineData("youtube", "auto", 0.876)]
    [InlineData("sms", "majority", 0.190)]
    [InlineData("sms", "weighted-majority", 0.028)]
    [InlineData("sms", "dawid-skene", 0.026)]
    [InlineData("sms", "snorkel", 0.071)]
    [InlineData("sms", "flyingsquid", 0.071)]
    [InlineData("sms", "hyper", 0.232)]
    [InlineData("sms", "hyper-semi", 0.232)]
    [InlineData("sms", "auto", 0.230)]
    [InlineData("trec", "majority", 0.612)]
    [InlineData("trec", "weighted-majority", 0.636)]
    [InlineData("trec", "dawid-skene", 0.366)]
    [InlineData("trec", "snorkel", 0.600)]
    [InlineData("trec", "flyingsquid", 0.626)]
    [InlineData("trec", "hyper", 0.666)]
    [InlineData("trec", "hyper-semi", 0.676)]
    [InlineData("trec", "auto", 0.642)]
    [InlineData("imdb", "majority", 0.708)]
    [InlineData("imdb", "weighted-majority", 0.706)]
    [InlineData("imdb", "dawid-skene", 0.706)]
    [InlineData("imdb", "snorkel", 0.708)]
    [InlineData("imdb", "flyingsquid", 0.698)]
    [InlineData("imdb", "hyper", 0.718)]
    [InlineData("imdb", "hyper-semi", 0.718)]
    [InlineData("imdb", "auto", 0.718)]
    public void Evaluate_WrenchProtocol_GivesTheReportedFigure(string dataset, string model, double expected) =>
        Assert.Equal(expected, TestScore(dataset, model), 3);

    [Theory]
    [InlineData("youtube")]
    [InlineData("sms")]
    [InlineData("trec")]
    [InlineData("imdb")]
    public void Auto_AtLeastAsGoodAsEveryFixedModel(string dataset)
    {
        // The fixed models fitted to the votes; the pretrained hyper model, and hyper fine-tuned on the dev labels, are
        // held to issue 13's margin below.
        double auto = TestScore(dataset, AutoLabelModel.ModelName);
        foreach (string fixedModel in LabelModelCatalog.CreateDefault().Names.Where(n => n is not AutoLabelModel.ModelName and not HyperLabelModel.ModelName and not HyperLabelModel.SemiSupervisedName))
        {
            Assert.True(auto >= TestScore(dataset, fixedModel), $"{dataset}: auto {auto} < {fixedModel} {TestScore(dataset, fixedModel)}.");
        }
    }

    [Theory]
    [InlineData("youtube")]
    [InlineData("sms")]
    [InlineData("imdb")]
    public void Auto_WithinTheIssueMarginOfHyper(string dataset)
    {
        // Issue 13: auto at least hyper's figure minus 0.005. Not met on TREC, where the dev split ranks hyper below
        // weighted majority (5-fold CV 0.557 vs 0.576) and test has it 0.024 ahead of auto's choice, the average of
        // the two (0.666 vs 0.642): the test figures above pin that shortfall, and
        // docs/experiments/label-models-auto-rule.md records how the rule was chosen.
        // hyper-semi (hyper fine-tuned on the dev labels) is held to the same margin; on TREC it scores 0.676, mostly by
        // giving the 19 test items without votes one class instead of a tie (docs/experiments/hyper-label-model.md).
        Assert.True(TestScore(dataset, AutoLabelModel.ModelName) >= TestScore(dataset, HyperLabelModel.ModelName) - 0.005);
        Assert.True(TestScore(dataset, AutoLabelModel.ModelName) >= TestScore(dataset, HyperLabelModel.SemiSupervisedName) - 0.005);
    }

    [Fact]
    public void Auto_OnAverage_IsAboveTheMeanItHadBeforeHyper()
    {
        // Issue 13: above auto's 0.614 before hyper joined its candidates (0.876 / 0.230 / 0.636 / 0.715); now IMDb
        // chooses hyper (0.718) and TREC the average of weighted majority and hyper (0.642). Hyper alone averages
        // 0.618 on test, above auto's 0.6166.
        string[] datasets = ["youtube", "sms", "trec", "imdb"];
        double auto = datasets.Average(d => TestScore(d, AutoLabelModel.ModelName));
        Assert.True(auto > 0.614, $"auto's mean {auto:0.0000} is not above 0.614.");
    }

    [Fact]
    public void Auto_OnAverage_IsAboveTheRuleWithoutTheAveragedCandidate()
    {
        // Issue 13: "on average above the current auto": the rule of 2026-12-03 (without weighted-majority+hyper)
        // averaged 0.6151; with it, 0.6166 (TREC 0.636 -> 0.642, the rest unchanged).
        string[] datasets = ["youtube", "sms", "trec", "imdb"];
        double auto = datasets.Average(d => TestScore(d, AutoLabelModel.ModelName));
        double before = datasets.Average(d => Score(d, Fitted(d, new AutoLabelModel { IncludesAveragedCandidate = false })));
        Assert.True(auto > before, $"auto's mean {auto:0.0000} is not above {before:0.0000}, its mean without the averaged candidate.");
    }

    [Fact]
    public void Auto_Trec_AveragesWeightedMajorityAndHyper()
    {
        // The averaged candidate leads weighted majority in dev cross-validation (0.580 vs 0.576) by more than one
        // standard error of their paired per-fold differences (0.002): a thin lead, two items of 500.
        LabelModelFitReport report = Fitted("trec", AutoLabelModel.ModelName).FitReport;
        Assert.Equal("weighted-majority+hyper", report.Selected);
        Assert.Equal(0.580, report.DevScore!.Value, 3);
        Assert.Equal(0.576, report.CandidateScores!["weighted-majority"], 3);
        Assert.StartsWith("'weighted-majority+hyper' led the default 'weighted-majority' by 0.004, more than one standard error (", report.SelectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_OnAverage_IsClearlyAboveTheBestFixedModel()
    {
        string[] datasets = ["youtube", "sms", "trec", "imdb"];
        double auto = datasets.Average(d => TestScore(d, AutoLabelModel.ModelName));
        double bestFixed = LabelModelCatalog.CreateDefault().Names
            .Where(n => n is not AutoLabelModel.ModelName and not HyperLabelModel.ModelName and not HyperLabelModel.SemiSupervisedName)
            .Max(n => datasets.Average(d => TestScore(d, n)));
        Assert.True(auto >= bestFixed + 0.02, $"auto's mean {auto:0.000} is not clearly above the best fixed model's {bestFixed:0.000}.");
    }

    [Fact]
    public void Auto_YouTube_KeepsWeightedMajorityAgainstALeadWithinNoise()
    {
        // On YouTube's 120 dev items, the average of weighted majority and hyper leads weighted majority's
        // cross-validated score (0.883 vs 0.858) by less than one standard error of their per-fold differences, and
        // hyper (tied with majority vote with a tuned threshold) by less still. Picking the best outright would score
        // 0.884 on test against the default's 0.876, but 0.858 against 0.918 on the train split's gold labels, the
        // data the rule was chosen on (docs/experiments/label-models-auto-rule.md).
        LabelModelFitReport report = Fitted("youtube", AutoLabelModel.ModelName).FitReport;
        Assert.Equal(WeightedMajorityLabelModel.ModelName, report.Selected);
        Assert.Equal(0.858, report.DevScore!.Value, 3);
        Assert.Equal(0.875, report.CandidateScores!["majority+threshold"], 3);
        Assert.Equal(0.875, report.CandidateScores!["hyper"], 3);
        Assert.Equal(0.883, report.CandidateScores!["weighted-majority+hyper"], 3);
        Assert.StartsWith("'weighted-majority' was kept: 'weighted-majority+hyper' led it by 0.025, within one standard error (", report.SelectionReason, StringComparison.Ordinal);

        WrenchDataset data = TestData.Load("youtube");
        var bestScore = new AutoLabelModel { DefaultCandidate = null };
        bestScore.Fit(data.Train.WeakLabels, new LabelModelFitOptions { DevMatrix = data.Valid!.WeakLabels, DevLabels = data.Valid.GoldLabels });
        Assert.Equal("weighted-majority+hyper", bestScore.FitReport.Selected);
        Assert.Equal("'weighted-majority+hyper' had the best cross-validated dev score.", bestScore.FitReport.SelectionReason);
        int[] predicted = bestScore.Predict(data.Test!.WeakLabels, TieBreak.Random(0));
        Assert.Equal(0.884, ClassificationMetrics.Accuracy(data.Test.GoldLabels, predicted), 3);
    }

    [Theory]
    [InlineData("youtube", 0.918, 0.858)]
    [InlineData("trec", 0.575, 0.575)]
    [InlineData("imdb", 0.723, 0.723)]
    public void Auto_TrainGold_ChoiceRuleFiguresOfTheDocs(string dataset, double shipped, double bestScoreOutright)
    {
        // The decision data of docs/label-models.md: the train split's gold labels, which no model reads, scored with
        // the WRENCH tie-break in expectation. With hyper among the candidates (docs/experiments/hyper-label-model.md)
        // best score outright picks hyper on YouTube (0.840 before, 0.802 then) and IMDb (0.722 -> 0.723); the
        // shipped rule still keeps weighted majority on YouTube. With weighted-majority+hyper
        // (docs/experiments/label-models-auto-rule.md, 2026-12-03) best score outright picks it on YouTube (0.858) and
        // the shipped rule picks it on TREC (0.568 -> 0.575).
        WrenchDataset data = TestData.Load(dataset);
        var options = new LabelModelFitOptions { DevMatrix = data.Valid!.WeakLabels, DevLabels = data.Valid.GoldLabels };
        double TrainScore(AutoLabelModel model)
        {
            model.Fit(data.Train.WeakLabels, options);
            return DevScoring.Score(model.PredictProbabilities(data.Train.WeakLabels), data.Train.GoldLabels, LabelModelMetric.Accuracy);
        }

        Assert.Equal(shipped, TrainScore(new AutoLabelModel()), 3);
        Assert.Equal(bestScoreOutright, TrainScore(new AutoLabelModel { DefaultCandidate = null }), 3);
    }

    [Fact]
    public void Auto_Sms_LearnsFromTheDevLabelsAndTunesTheF1Threshold()
    {
        LabelModel auto = Fitted("sms", AutoLabelModel.ModelName);
        Assert.Equal("dawid-skene+dev+threshold", auto.FitReport.Selected);
        Assert.StartsWith("'dawid-skene+dev+threshold' led the default 'weighted-majority' by 0.2", auto.FitReport.SelectionReason, StringComparison.Ordinal);
        Assert.Contains(auto.FitReport.Warnings, w => w.StartsWith("The automatic choice moved class 1's log-odds by +", StringComparison.Ordinal));
    }

    private static readonly Dictionary<(string, string), double> Scores = [];

    private static double TestScore(string dataset, string model)
    {
        lock (Scores)
        {
            if (!Scores.TryGetValue((dataset, model), out double score))
            {
                score = Score(dataset, Fitted(dataset, model));
                Scores[(dataset, model)] = score;
            }

            return score;
        }
    }

    private static double Score(string dataset, LabelModel fitted)
    {
        WrenchDataset data = TestData.Load(dataset);
        int[] predicted = fitted.Predict(data.Test!.WeakLabels, TieBreak.Random(0));
        return dataset == "sms" ? ClassificationMetrics.F1(data.Test.GoldLabels, predicted) : ClassificationMetrics.Accuracy(data.Test.GoldLabels, predicted);
    }

    private static LabelModel Fitted(string dataset, string model) => Fitted(dataset, LabelModelCatalog.CreateDefault().Create(model));

    private static LabelModel Fitted(string dataset, LabelModel labelModel)
    {
        WrenchDataset data = TestData.Load(dataset);
        labelModel.Fit(data.Train.WeakLabels, new LabelModelFitOptions
        {
            DevMatrix = data.Valid!.WeakLabels,
            DevLabels = data.Valid.GoldLabels,
            Metric = dataset == "sms" ? LabelModelMetric.F1 : LabelModelMetric.Accuracy,
        });
        return labelModel;
    }
}
