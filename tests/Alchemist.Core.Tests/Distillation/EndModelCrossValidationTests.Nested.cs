using System.Runtime.CompilerServices;
using Alchemist.Tests.Streaming;
using Microsoft.Extensions.AI;

namespace Alchemist.Tests.Distillation;

/// <summary>The nested final choice (<see cref="EndModelChoiceRule.NestedSignTest"/>): the whole pipeline re-run per fold of the seed items.</summary>
public partial class EndModelCrossValidationTests
{
    [Fact]
    public async Task RunAsync_NestedSignTest_FoldRunsSeeExactlyTheOtherFoldsSeedItemsAndTheirCallsAreInTheLedger()
    {
        var right = LabelingFunction.Create<string>("right", text => Fruits.Any(text.Contains) ? 0 : Tools.Any(text.Contains) ? 1 : Label.Abstain);
        LabelingJob<string> job = Job(right, seedPerClass: 10);
        var spy = new RecordingSynthesizer();
        var pipeline = new LabelingPipeline([spy], Options(EndModelChoiceRule.NestedSignTest));

        var run = (LabelingRun<string>)await pipeline.RunAsync(job);

        // The run's own call sees every seed item; each fold run's call exactly the items outside its fold, in order.
        LabeledExample<string>[] seed = [.. job.SeedSet];
        int[] fold = DevFolds.Shuffled([.. seed.Select(e => e.Label)], 2, EndModelCrossValidation.FoldCount, Options(EndModelChoiceRule.Off).Seed, offsetByClass: true);
        Assert.Equal(1 + EndModelCrossValidation.FoldCount, spy.Calls.Count);
        Assert.Equal(seed, spy.Calls[0]);
        for (int f = 0; f < EndModelCrossValidation.FoldCount; f++)
        {
            int current = f;
            Assert.Equal(seed.Where((_, i) => fold[i] != current), spy.Calls[1 + f]);
            Assert.DoesNotContain(spy.Calls[1 + f], e => seed.Where((_, i) => fold[i] == current).Contains(e));
            Assert.NotEmpty(seed.Where((_, i) => fold[i] == current));
        }

        // The fold runs' synthesis calls are the run's cost too, not hidden.
        Assert.Equal(6, run.SynthesisCost.Calls);
        Assert.Equal(6 * 15, run.SynthesisCost.InputTokens + run.SynthesisCost.OutputTokens);
        Assert.Equal(6, pipeline.Ledger.GetSummary().Calls);

        EndModelChoice choice = run.EndModelChoice!;
        Assert.Equal(EndModelChoiceRule.NestedSignTest, choice.Rule);
        Assert.Equal((5, 20), (choice.Folds, choice.SeedItems));
        Assert.False(choice.SeedOnlyShipped);
        Assert.True(choice.PipelineScore > choice.SeedOnlyScore, choice.ToString());
        Assert.Same(run.DistilledEndModel, run.TrainedEndModel);
        Assert.Contains("- **Model shipped**: the pipeline's end model shipped: 5-fold cross-validation over the 20 seed items (the whole pipeline re-run per fold without the fold's seed items)", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NestedSignTestAndInvertedRule_ShipsTheSeedOnlyModelAndSaysSo()
    {
        var inverted = LabelingFunction.Create<string>("inverted", text => Fruits.Any(text.Contains) ? 1 : Tools.Any(text.Contains) ? 0 : Label.Abstain);
        LabelingJob<string> job = Job(inverted, seedPerClass: 10, seedSharesThings: true);

        var run = (LabelingRun<string>)await new LabelingPipeline([], Options(EndModelChoiceRule.NestedSignTest)).RunAsync(job);

        EndModelChoice choice = run.EndModelChoice!;
        Assert.Equal(EndModelChoiceRule.NestedSignTest, choice.Rule);
        Assert.True(choice.SeedOnlyShipped, choice.ToString());
        Assert.True(choice.SeedOnlyScore > choice.PipelineScore, choice.ToString());
        Assert.True(choice.SignTestPValue <= EndModelChoice.SignTestLevel, choice.ToString());
        Assert.Same(run.SeedOnlyModel, run.TrainedEndModel);
        Assert.NotSame(run.DistilledEndModel, run.TrainedEndModel);
        ClassProbabilities bySeedOnly = await run.SeedOnlyModel!.PredictProbabilitiesAsync(job.Items);
        Assert.Equal(bySeedOnly.Predict(TieBreak.Random(0)), run.Labels);
        string report = RunReport.ToMarkdown(run);
        Assert.Contains("- **Model shipped**: the seed-only model shipped: 5-fold cross-validation over the 20 seed items (the whole pipeline re-run per fold", report, StringComparison.Ordinal);
        Assert.Contains("by the pipeline's alone (sign test p = 0.000)", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NestedSignTestWithoutWeakLabels_IsNotCheckedAndRunsNoFold()
    {
        // No function and a synthesizer that writes nothing: the end model learns from the seed labels alone.
        var spy = new RecordingSynthesizer();
        LabelingJob<string> job = Job(LabelingFunction.Create<string>("unused", _ => Label.Abstain), seedPerClass: 10);
        job = new LabelingJob<string>(job.Task, job.Items) { SeedSet = job.SeedSet };

        var run = (LabelingRun<string>)await new LabelingPipeline([spy], Options(EndModelChoiceRule.NestedSignTest)).RunAsync(job);

        Assert.Null(run.EndModelChoice);
        Assert.Equal(0, run.KeptCount);
        Assert.Single(spy.Calls);
        Assert.Same(run.DistilledEndModel, run.TrainedEndModel);
        Assert.Contains("- **Model shipped**: the pipeline's end model, not checked against the seed-only model: the run has no weak labels", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    /// <summary>A synthesizer that writes no program and records, per call, the seed items and the unlabeled items it was shown, and one priced-free call of 10 + 5 tokens in the run's ledger.</summary>
    private sealed class RecordingSynthesizer : IProgramSynthesizer
    {
        private readonly Lock _lock = new();

        public string Name => "recording";

        public List<LabeledExample<string>[]> Calls { get; } = [];

        public List<string[]> Unlabeled { get; } = [];

        public async IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await System.Threading.Tasks.Task.Yield();
            lock (_lock)
            {
                Calls.Add([.. request.Examples.Cast<LabeledExample<string>>()]);
                Unlabeled.Add([.. request.UnlabeledSample.Cast<string>()]);
            }

            request.Ledger?.Record("program", "recording-model", new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 });
            yield break;
        }
    }
}
