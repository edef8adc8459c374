using Alchemist.Testing;

namespace Alchemist.Tests.Aggregation;

public class AutoLabelModelTests
{
    [Fact]
    public void Fit_NoDevSplit_FallsBackToMajorityVoteAndSaysSo()
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 1, items: 500, functions: 5, classes: 3).Matrix;
        var auto = new AutoLabelModel();

        LabelModelFitReport report = auto.Fit(matrix);

        Assert.Equal("auto", report.ModelName);
        Assert.Equal("majority", report.Selected);
        Assert.Null(report.CandidateScores);
        Assert.Equal("No labeled dev items were given, so there was nothing to choose by: majority vote.", report.SelectionReason);
        Assert.Contains("No labeled dev items were given, so the automatic choice fell back to majority vote; label some items to let it choose and learn from them.", report.Warnings);
        var majority = new MajorityVoteLabelModel();
        majority.Fit(matrix);
        Assert.Equal(majority.PredictProbabilities(matrix).AsSpan().ToArray(), auto.PredictProbabilities(matrix).AsSpan().ToArray());
    }

    /// <summary>Choices of auto (its default candidate, never challenged) and class counts: row-by-row models, hyper, and their threshold variants.</summary>
    public static TheoryData<string, int> Choices => new()
    {
        { "majority", 2 },
        { "weighted-majority+threshold", 2 },
        { "dawid-skene+threshold", 2 },
        { "snorkel+threshold", 2 },
        { "flyingsquid", 2 },
        { "hyper+threshold", 2 },
        { "weighted-majority+hyper+threshold", 2 },
        { "weighted-majority", 3 },
        { "dawid-skene+dev", 3 },
        { "hyper", 3 },
    };

    /// <summary>Fits auto on a 20,000-item synthetic matrix (5 functions) with <paramref name="chosen"/> as its default candidate, never challenged, and a 150-item dev split.</summary>
    private static (AutoLabelModel Auto, LabelMatrix Matrix, LabelModelFitReport Report) FitChoice(string chosen, int classes)
    {
        LabelMatrix matrix = LabelMatrixGenerator.Create(seed: 21, items: 20_000, functions: 5, classes: classes).Matrix;
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 22, items: 150, functions: 5, classes: classes);
        var auto = new AutoLabelModel { DefaultCandidate = chosen, ChallengeStandardErrors = 1e9 };
        LabelModelFitReport report = auto.Fit(matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });
        return (auto, matrix, report);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void ItemDistributions_OfTheFittedMatrix_AreBitForBitItsPredictionPerDistinctRowWhenTheChosenModelAllows(string chosen, int classes)
    {
        // A streamed run holds the distributions once per distinct vote row (no per-item array) when the chosen model
        // predicts the fitted matrix row by row: a row-by-row model always, and a transductive choice (hyper, alone or
        // averaged) on the matrix it grouped when fitted, each row from the fitted means and calibration range.
        (AutoLabelModel auto, LabelMatrix matrix, _) = FitChoice(chosen, classes);

        ItemDistributions distributions = ItemDistributions.Predict(auto, matrix);
        double[] predicted = auto.PredictProbabilities(matrix).AsSpan().ToArray();

        Assert.True(distributions.DistinctRows is > 0 and < 1_000);
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            Assert.Equal(predicted.AsSpan(i * classes, classes).ToArray(), distributions.GetRow(i).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void PredictProbabilities_FittedMatrix_IsBitForBitThePredictionOfAnyOtherCopyOfIt(string chosen, int classes)
    {
        // The fitted matrix is predicted once per distinct row when the chosen model predicts row by row; a copy of it
        // (another instance) is predicted as a whole, and a row-by-row model's rows one at a time.
        (AutoLabelModel auto, LabelMatrix matrix, LabelModelFitReport report) = FitChoice(chosen, classes);
        var copy = new LabelMatrix(matrix.ItemCount, matrix.FunctionCount, matrix.ClassCount, matrix.AsSpan(), matrix.FunctionNames);

        double[] predicted = auto.PredictProbabilities(matrix).AsSpan().ToArray();

        Assert.Equal(chosen, report.Selected);
        Assert.Equal(auto.PredictProbabilities(copy).AsSpan().ToArray(), predicted);
        Assert.Equal(predicted, auto.PredictProbabilities(matrix).AsSpan().ToArray());
        if (!chosen.Contains("hyper", StringComparison.Ordinal))
        {
            var row = new double[classes];
            for (int i = 0; i < matrix.ItemCount; i++)
            {
                auto.PredictProbabilities(matrix.GetRow(i), row);
                Assert.Equal(row, predicted.AsSpan(i * classes, classes).ToArray());
            }
        }
    }

    [Fact]
    public void Fit_NoDefaultCandidate_ScoresEveryCandidateAndKeepsTheBest()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 3_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 200, functions: 6, classes: 3);
        var auto = new AutoLabelModel { DefaultCandidate = null };

        LabelModelFitReport report = auto.Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });

        Assert.Equal(["majority", "weighted-majority", "dawid-skene", "snorkel", "flyingsquid", "dawid-skene+dev", "hyper", "weighted-majority+hyper"], report.CandidateScores!.Keys);
        Assert.Equal(report.CandidateScores.Values.Max(), report.DevScore);
        Assert.Equal(report.CandidateScores[report.Selected!], report.DevScore);
        Assert.Equal(report.CandidateScores.First(kv => kv.Value == report.DevScore).Key, report.Selected);
        Assert.Equal($"'{report.Selected}' had the best cross-validated dev score.", report.SelectionReason);
    }

    [Fact]
    public void Fit_LeadWithinOneStandardError_KeepsWeightedMajorityAndSaysWhy()
    {
        // Seeds 2/3 served here until hyper became a candidate: it leads there by more than one standard error (see
        // Fit_HyperClearlyAhead_IsChosen); on 12/13 its lead (0.010) is within one (0.023).
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 12, items: 3_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 13, items: 200, functions: 6, classes: 3);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };

        LabelModelFitReport report = new AutoLabelModel().Fit(synthetic.Matrix, options);
        LabelModelFitReport outright = new AutoLabelModel { ChallengeStandardErrors = 0 }.Fit(synthetic.Matrix, options);

        Assert.Equal("weighted-majority", report.Selected);
        Assert.Equal(report.CandidateScores!["weighted-majority"], report.DevScore);
        Assert.True(report.CandidateScores.Values.Max() > report.DevScore, "The case is meant to have a challenger ahead.");
        Assert.StartsWith($"'weighted-majority' was kept: '{outright.Selected}' led it by ", report.SelectionReason, StringComparison.Ordinal);
        Assert.NotEqual("weighted-majority", outright.Selected);
        Assert.StartsWith($"'{outright.Selected}' led the default 'weighted-majority' by ", outright.SelectionReason, StringComparison.Ordinal);

        // The kept model is weighted majority fitted with the whole dev split, not a fold's fit.
        var weighted = new WeightedMajorityLabelModel();
        weighted.Fit(synthetic.Matrix, options);
        var auto = new AutoLabelModel();
        auto.Fit(synthetic.Matrix, options);
        Assert.Equal(weighted.PredictProbabilities(dev.Matrix).AsSpan().ToArray(), auto.PredictProbabilities(dev.Matrix).AsSpan().ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Fit_DevSplitSmallerThanTheFolds_StillChoosesAndSaysWhy(int devItems)
    {
        // Folds without items are skipped; with fewer than two scored folds there is no standard error, so any lead wins.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 6, items: 400, functions: 4, classes: 2);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 7, items: devItems, functions: 4, classes: 2);
        var auto = new AutoLabelModel();

        LabelModelFitReport report = auto.Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });

        Assert.Contains(report.Selected!, report.CandidateScores!.Keys);
        Assert.False(string.IsNullOrEmpty(report.SelectionReason));
        Assert.Equal(report.CandidateScores[report.Selected!], report.DevScore);
        ClassProbabilities p = auto.PredictProbabilities(synthetic.Matrix);
        Assert.All(Enumerable.Range(0, p.ItemCount), i => Assert.Equal(1, p.GetRow(i).ToArray().Sum(), 9));
    }

    [Fact]
    public void Fit_EmptyDevSplit_IsLikeNoDevSplit()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 6, items: 400, functions: 4, classes: 2);

        LabelModelFitReport report = new AutoLabelModel().Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = synthetic.Matrix.SliceItems(0, 0), DevLabels = [] });

        Assert.Equal("majority", report.Selected);
        Assert.Equal("No labeled dev items were given, so there was nothing to choose by: majority vote.", report.SelectionReason);
    }

    [Fact]
    public void Fit_OneItemDevSplit_AllScoresTie_KeepsTheDefaultAndSaysSo()
    {
        // One dev item of class 1 scored by F1: whichever fold holds it is fitted with no dev labels, and every
        // candidate either finds it or not; here none leads weighted majority.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 6, items: 400, functions: 4, classes: 2);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 7, items: 1, functions: 4, classes: 2);

        LabelModelFitReport report = new AutoLabelModel().Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels, Metric = LabelModelMetric.F1 });

        Assert.Equal(report.CandidateScores!.Values.Max(), report.DevScore);
        Assert.Equal("weighted-majority", report.Selected);
        Assert.Equal("'weighted-majority' was kept: no candidate scored higher on the labeled dev items.", report.SelectionReason);
    }

    [Fact]
    public void Fit_DefaultCandidateNotACandidate_ThrowsNamingTheCandidates()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 500, functions: 4, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 50, functions: 4, classes: 3);

        // Threshold variants exist only for binary tasks.
        var auto = new AutoLabelModel { DefaultCandidate = "majority+threshold" };
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => auto.Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels }));

        Assert.Equal("The default candidate 'majority+threshold' is not one of this task's candidates: majority, weighted-majority, dawid-skene, snorkel, flyingsquid, dawid-skene+dev, hyper, weighted-majority+hyper.", error.Message);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ChallengeStandardErrors_NegativeOrNotFinite_Throws(double value)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new AutoLabelModel { ChallengeStandardErrors = value });

        Assert.Contains("must be a finite number, zero or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DefaultCandidateLeftOut_TakesTheBestScoreWithAWarning()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 2_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 100, functions: 6, classes: 3);
        LabelStatistics stats = LabelStatistics.Compute(synthetic.Matrix, new LabelStatisticsOptions { IncludePairCounts = false });

        LabelModelFitReport report = new AutoLabelModel().Fit(stats, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });

        Assert.DoesNotContain("weighted-majority", report.CandidateScores!.Keys);
        Assert.Contains("The default candidate 'weighted-majority' could not be fitted from these statistics, so the best-scoring candidate was taken.", report.Warnings);
        Assert.Equal(report.CandidateScores.Values.Max(), report.DevScore);
    }

    [Fact]
    public void Fit_BinaryTask_AlsoConsidersTunedDecisionThresholds()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 4, items: 2_000, classes: 2, accuracies: [0.7, 0.8, 0.75], coverages: [0.3, 0.3, 0.3], classBalance: [0.85, 0.15]);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 5, items: 300, classes: 2, accuracies: [0.7, 0.8, 0.75], coverages: [0.3, 0.3, 0.3], classBalance: [0.85, 0.15]);

        LabelModelFitReport report = new AutoLabelModel().Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels, Metric = LabelModelMetric.F1 });

        Assert.Equal(16, report.CandidateScores!.Count);
        Assert.Contains("majority+threshold", report.CandidateScores.Keys);
        Assert.Contains("hyper+threshold", report.CandidateScores.Keys);
        Assert.Contains("weighted-majority+hyper+threshold", report.CandidateScores.Keys);
        Assert.All(report.CandidateScores.Values, s => Assert.InRange(s, 0, 1));
    }

    [Fact]
    public void Fit_AveragedCandidate_ScoresTheMeanOfItsPartsOutOfFold()
    {
        // The averaged candidate's out-of-fold dev distributions are the mean of weighted majority's and hyper's, row by
        // row: it reuses their fold fits.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 12, items: 3_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 13, items: 200, functions: 6, classes: 3);
        var outOfFold = new Dictionary<string, ClassProbabilities>();
        var auto = new AutoLabelModel { OutOfFoldObserver = (name, p) => outOfFold[name] = p };

        LabelModelFitReport report = auto.Fit(synthetic.Matrix, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });

        double[] expected = AveragedLabelModel.Mean(outOfFold["weighted-majority"], outOfFold["hyper"]).AsSpan().ToArray();
        Assert.Equal(expected, outOfFold["weighted-majority+hyper"].AsSpan().ToArray());
        Assert.Equal(DevScoring.Score(outOfFold["weighted-majority+hyper"], dev.TrueLabels, LabelModelMetric.Accuracy), report.CandidateScores!["weighted-majority+hyper"]);
    }

    [Fact]
    public void Fit_SemiSupervisedHyperCandidate_FineTunesOnTheOtherFoldsOnlyAndLabelsTheDevSplitFromItsVotes()
    {
        // The internal hyper-semi candidate: each held-out fold is labeled by networks fine-tuned on the other folds'
        // labels alone (never its own), the dev split labeled from its own votes as hyper's is.
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 12, items: 2_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 13, items: 150, functions: 6, classes: 3);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };
        var outOfFold = new Dictionary<string, ClassProbabilities>();
        var tuning = new HyperFineTuning { LearningRate = 1e-3 };
        var auto = new AutoLabelModel { SemiSupervisedHyper = tuning, OutOfFoldObserver = (name, p) => outOfFold[name] = p };

        LabelModelFitReport report = auto.Fit(synthetic.Matrix, options);

        int k = dev.Matrix.ClassCount;
        int[] fold = DevFolds.Assign(dev.TrueLabels, k, auto.FoldCount);
        var expected = new double[dev.Matrix.ItemCount * k];
        for (int f = 0; f < auto.FoldCount; f++)
        {
            (LabelModelFitOptions foldOptions, _, int[] held) = DevFolds.Split(options, fold, f);
            var semi = new HyperLabelModel { FineTuning = tuning };
            semi.Fit(dev.Matrix, foldOptions);
            ClassProbabilities p = semi.PredictProbabilities(dev.Matrix);
            foreach (int i in held)
            {
                p.GetRow(i).CopyTo(expected.AsSpan(i * k, k));
            }
        }

        Assert.Equal(expected, outOfFold["hyper-semi"].AsSpan().ToArray());
        Assert.NotEqual(outOfFold["hyper"].AsSpan().ToArray(), outOfFold["hyper-semi"].AsSpan().ToArray());
        Assert.Equal(DevScoring.Score(outOfFold["hyper-semi"], dev.TrueLabels, LabelModelMetric.Accuracy), report.CandidateScores!["hyper-semi"]);
        Assert.DoesNotContain("hyper-semi", new AutoLabelModel().Fit(synthetic.Matrix, options).CandidateScores!.Keys);
    }

    [Fact]
    public void Fit_AveragedCandidateChosen_PredictsTheMeanOfItsPartsFittedOnTheWholeMatrix()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 12, items: 3_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 13, items: 200, functions: 6, classes: 3);
        var options = new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels };
        var auto = new AutoLabelModel { DefaultCandidate = "weighted-majority+hyper", ChallengeStandardErrors = 100 };

        LabelModelFitReport report = auto.Fit(synthetic.Matrix, options);

        Assert.Equal("weighted-majority+hyper", report.Selected);
        var weighted = new WeightedMajorityLabelModel();
        weighted.Fit(synthetic.Matrix, options);
        var hyper = new HyperLabelModel();
        hyper.Fit(synthetic.Matrix);
        double[] expected = AveragedLabelModel.Mean(weighted.PredictProbabilities(dev.Matrix), hyper.PredictProbabilities(dev.Matrix)).AsSpan().ToArray();
        double[] actual = auto.PredictProbabilities(dev.Matrix).AsSpan().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(Enumerable.Range(0, expected.Length), i => Assert.Equal(expected[i], actual[i], 12));
        Assert.Equal(weighted.FitReport.ClassBalance, report.ClassBalance);
    }

    [Fact]
    public void FitFromStatisticsWithoutDistinctRows_AveragedCandidate_IsLeftOutWithHyper()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 2_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 100, functions: 6, classes: 3);

        LabelModelFitReport report = new AutoLabelModel().Fit(
            LabelStatistics.Compute(synthetic.Matrix, new LabelStatisticsOptions { IncludeDistinctRows = false }), new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });

        Assert.DoesNotContain("weighted-majority+hyper", report.CandidateScores!.Keys);
        Assert.Contains("The candidate 'weighted-majority+hyper' was left out: it is fitted on a label matrix, and auto was fitted from statistics.", report.Warnings);
    }

    [Fact]
    public void AssignFolds_IsStratifiedAndDeterministic()
    {
        int[] labels = [.. Enumerable.Range(0, 103).Select(i => i % 7 == 0 ? 1 : 0)];
        int[] folds = DevFolds.Assign(labels, 2, 5);

        Assert.Equal(folds, DevFolds.Assign(labels, 2, 5));
        for (int f = 0; f < 5; f++)
        {
            int positives = Enumerable.Range(0, labels.Length).Count(i => folds[i] == f && labels[i] == 1);
            Assert.InRange(positives, 2, 3);
        }
    }

    [Fact]
    public void Fit_StatisticsWithoutDistinctRows_LeavesOutTheEmCandidates()
    {
        SyntheticLabelMatrix synthetic = LabelMatrixGenerator.Create(seed: 2, items: 2_000, functions: 6, classes: 3);
        SyntheticLabelMatrix dev = LabelMatrixGenerator.Create(seed: 3, items: 100, functions: 6, classes: 3);
        LabelStatistics stats = LabelStatistics.Compute(synthetic.Matrix, new LabelStatisticsOptions { IncludeDistinctRows = false });

        LabelModelFitReport report = new AutoLabelModel().Fit(stats, new LabelModelFitOptions { DevMatrix = dev.Matrix, DevLabels = dev.TrueLabels });

        Assert.DoesNotContain("dawid-skene", report.CandidateScores!.Keys);
        Assert.Contains("The candidate 'dawid-skene' was left out: the statistics hold no distinct rows.", report.Warnings);
    }
}
