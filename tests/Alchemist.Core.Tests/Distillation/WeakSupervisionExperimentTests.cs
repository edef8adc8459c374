using Alchemist.Tests.Offline;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Distillation;

public class WeakSupervisionExperimentTests
{
    [Fact]
    public async Task RunAsync_YouTubeOfflineFlow_GivesTheFiguresOfDocsDistillation()
    {
        // The protocol of docs/distillation.md: seeds = dev split, unlabeled = train texts, scored on test only.
        // Measured: seed-only 0.948, distilled 0.892, label model 0.780, coverage 0.778 with 20 offline programs and
        // majority vote. The offline flow does NOT beat the seed-only baseline here; this test pins what it does, so a
        // change that moves either figure shows up.
        WrenchDataset youtube = TestData.Load("youtube");
        var experiment = new WeakSupervisionExperiment<string>
        {
            Task = youtube.Task,
            SeedItems = [.. youtube.Valid!.Texts.Select(t => t!)],
            SeedLabels = youtube.Valid.GoldLabels,
            UnlabeledItems = [.. youtube.Train.Texts.Select(t => t!)],
            UnlabeledGold = youtube.Train.GoldLabels,
            Synthesizer = new OfflineProgramSynthesizer(),
            ProgramCount = 20,
            Compile = SandboxProgramCompiler.Compile<string>,
            EndModel = LogisticRegressionEndModel.ForText(),
        };

        WeakSupervisionOutcome outcome = await experiment.RunAsync([.. youtube.Test!.Texts.Select(t => t!)], youtube.Test.GoldLabels);

        Assert.Equal(20, outcome.Programs.Count);
        Assert.InRange(outcome.Coverage, 0.75, 0.80);
        Assert.InRange(outcome.SeedOnly.Accuracy, 0.94, 0.96);
        Assert.InRange(outcome.Distilled.Accuracy, 0.88, 0.91);
        Assert.InRange(outcome.LabelModel!.Accuracy, 0.76, 0.80);
        Assert.InRange(outcome.WeakLabelAccuracy!.Value, 0.80, 0.85);
        Assert.Equal(20, outcome.UnlabeledAnalysis!.Functions.Count);
        Assert.InRange(outcome.TrainingItems, 120, 120 + 1686);
    }

    [Fact]
    public async Task CrossValidateAsync_FoldsOfTheSeeds_ScoreEverySeedOnce()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        var experiment = new WeakSupervisionExperiment<string>
        {
            Task = youtube.Task,
            SeedItems = [.. youtube.Valid!.Texts.Select(t => t!)],
            SeedLabels = youtube.Valid.GoldLabels,
            UnlabeledItems = [.. youtube.Train.Texts.Take(400).Select(t => t!)],
            Synthesizer = new OfflineProgramSynthesizer(),
            ProgramCount = 6,
            Compile = SandboxProgramCompiler.Compile<string>,
            EndModel = LogisticRegressionEndModel.ForText(),
        };

        IReadOnlyList<WeakSupervisionOutcome> outcomes = await experiment.CrossValidateAsync(folds: 3, seed: 7);

        Assert.Equal(3, outcomes.Count);
        Assert.Equal(120, outcomes.Sum(o => o.SeedOnly.Items));
        Assert.All(outcomes, o => Assert.Null(o.WeakLabelAccuracy));
    }
}
