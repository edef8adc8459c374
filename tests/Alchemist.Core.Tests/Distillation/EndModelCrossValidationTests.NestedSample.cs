using System.Runtime.CompilerServices;
using Alchemist.Tests.Streaming;

namespace Alchemist.Tests.Distillation;

/// <summary>The nested final choice's fold runs: a bounded sample of the items, streamed jobs, progress and warnings.</summary>
public partial class EndModelCrossValidationTests
{
    [Fact]
    public async Task RunAsync_NestedSignTestUnderTheBound_FoldRunsLabelEveryItemInOrderAndTheChoiceIsTheOneMeasuredBefore()
    {
        var inverted = LabelingFunction.Create<string>("inverted", text => Fruits.Any(text.Contains) ? 1 : Tools.Any(text.Contains) ? 0 : Label.Abstain);
        LabelingJob<string> job = Job(inverted, seedPerClass: 10, seedSharesThings: true);
        var spy = new RecordingSynthesizer();

        // A bound of exactly the job's 200 items: the fold runs take them all, as every run without a bound did.
        var run = (LabelingRun<string>)await new LabelingPipeline([spy], Options(EndModelChoiceRule.NestedSignTest)) { NestedChoiceItemBound = job.Items.Count }.RunAsync(job);

        Assert.Equal(6, spy.Unlabeled.Count);
        Assert.All(spy.Unlabeled, items => Assert.Equal(job.Items, items));

        // The figures of the eleventh session's test (before the bound existed): pipeline 0.000, seed-only 0.950, 19 items to 0.
        EndModelChoice choice = run.EndModelChoice!;
        Assert.Equal((5, 20, 0.0, 0.95, 19, 0), (choice.Folds, choice.SeedItems, choice.PipelineScore, choice.SeedOnlyScore, choice.SeedOnlyRightAlone, choice.PipelineRightAlone));
        Assert.True(choice.SeedOnlyShipped);

        // The default bound (100,000) gives the same choice to the last digit.
        var byDefault = (LabelingRun<string>)await new LabelingPipeline([], Options(EndModelChoiceRule.NestedSignTest)).RunAsync(job);
        Assert.Equal(choice.ToString(), byDefault.EndModelChoice!.ToString());
        Assert.Equal(run.Labels, byDefault.Labels);
    }

    [Fact]
    public async Task RunAsync_NestedSignTestOverTheBound_FoldRunsLabelExactlyTheSeededSample()
    {
        var right = LabelingFunction.Create<string>("right", text => Fruits.Any(text.Contains) ? 0 : Tools.Any(text.Contains) ? 1 : Label.Abstain);
        LabelingJob<string> job = Job(right, seedPerClass: 10);
        job = new LabelingJob<string>(job.Task, job.Items) { SeedSet = job.SeedSet, Functions = job.Functions, TestSet = [new("a kiwi here", 0), new("a drill here", 1)] };
        var spy = new RecordingSynthesizer();
        var reports = new ReportList();

        var run = (LabelingRun<string>)await new LabelingPipeline([spy], Options(EndModelChoiceRule.NestedSignTest)) { NestedChoiceItemBound = 50 }.RunAsync(job, reports);

        // The run itself labels all 200 items; each fold run the same seeded sample of 50, in item order, and no test item.
        string[] sample = [.. SeededSample.Indices(job.Items.Count, 50, Options(EndModelChoiceRule.Off).Seed).Select(i => job.Items[i])];
        Assert.Equal(6, spy.Unlabeled.Count);
        Assert.Equal(job.Items, spy.Unlabeled[0]);
        Assert.All(spy.Unlabeled.Skip(1), items => Assert.Equal(sample, items));
        Assert.All(spy.Unlabeled.Skip(1), items => Assert.DoesNotContain(items, job.TestSet!.Select(e => e.Item).Contains));
        Assert.Equal(200, run.Labels.Count);
        Assert.NotNull(run.EndModelChoice);
        Assert.Equal(5, run.EndModelChoice.Folds);

        // Each fold run's progress is the run's, in the distill stage, with the fold run's own counts (50 items to label).
        for (int f = 1; f <= 5; f++)
        {
            string prefix = $"final choice, fold {f} of 5: ";
            PipelineProgress[] fold = [.. reports.Where(r => r.Message.StartsWith(prefix, StringComparison.Ordinal))];
            Assert.NotEmpty(fold);
            Assert.All(fold, r => Assert.Equal(PipelineStage.Distill, r.Stage));
            Assert.Contains(fold, r => r.Message == prefix + "Synthesizing programs");
            Assert.Contains(fold, r => r.Message == prefix + "Labeling items" && r.Total == 50 && r.Completed == 50);
        }

        Assert.Contains(reports, r => r.Stage == PipelineStage.Apply && r.Message == "Labeling items" && r.Total == 200);
    }

    [Fact]
    public async Task RunAsync_NestedSignTestWithFoldWarnings_CarriesEachOncePerFoldWithItsFold()
    {
        var right = LabelingFunction.Create<string>("right", text => Fruits.Any(text.Contains) ? 0 : Tools.Any(text.Contains) ? 1 : Label.Abstain);
        LabelingJob<string> job = Job(right, seedPerClass: 10);

        // Two failing synthesizers of one name: each run, the outer and every fold run, warns the same sentence twice.
        var run = (LabelingRun<string>)await new LabelingPipeline([new FailingSynthesizer(), new FailingSynthesizer()], Options(EndModelChoiceRule.NestedSignTest)).RunAsync(job);

        const string Failed = "The 'failing' synthesizer failed after 0 programs: no programs today";
        Assert.Equal(2, run.Warnings.Count(w => w == Failed));
        for (int f = 1; f <= 5; f++)
        {
            Assert.Single(run.Warnings, w => w == $"Final choice, fold {f} of 5: {Failed}");
        }

        Assert.Equal(7, run.Warnings.Count(w => w.EndsWith(Failed, StringComparison.Ordinal)));
        Assert.NotNull(run.EndModelChoice);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_NestedSignTestOnAStreamedJobWithEveryItemSampled_GivesTheListJobsChoiceAndLabels(bool inverted)
    {
        var function = LabelingFunction.Create<string>("f", text => Fruits.Any(text.Contains) ? (inverted ? 1 : 0) : Tools.Any(text.Contains) ? (inverted ? 0 : 1) : Label.Abstain);
        LabelingJob<string> listed = Job(function, seedPerClass: 10, seedSharesThings: inverted);
        var sink = new CollectingSink();
        var streamed = new LabelingJob<string>(listed.Task, ItemSource.FromList(listed.Items), sink) { SeedSet = listed.SeedSet, Functions = listed.Functions };
        var listSpy = new RecordingSynthesizer();
        var streamSpy = new RecordingSynthesizer();

        var byList = (LabelingRun<string>)await new LabelingPipeline([listSpy], Options(EndModelChoiceRule.NestedSignTest)).RunAsync(listed);
        var byStream = (LabelingRun<string>)await new LabelingPipeline([streamSpy], Options(EndModelChoiceRule.NestedSignTest)).RunAsync(streamed);

        Assert.True(byStream.LabelsStreamed);
        Assert.Equal(byList.EndModelChoice!.ToString(), byStream.EndModelChoice!.ToString());
        Assert.Equal(inverted, byStream.EndModelChoice!.SeedOnlyShipped);
        Assert.Equal(byList.Labels, sink.Labels);
        Assert.Equal(listSpy.Calls, streamSpy.Calls);
        Assert.All(streamSpy.Unlabeled, items => Assert.Equal(listed.Items, items));
    }

    [Fact]
    public async Task RunAsync_NestedSignTestOnAStreamedJobOverTheBound_FoldRunsSeeTheSampleAndTheComplementSeedSets()
    {
        var right = LabelingFunction.Create<string>("right", text => Fruits.Any(text.Contains) ? 0 : Tools.Any(text.Contains) ? 1 : Label.Abstain);
        LabelingJob<string> listed = Job(right, seedPerClass: 10);
        var sink = new CollectingSink();
        var streamed = new LabelingJob<string>(listed.Task, ItemSource.FromList(listed.Items), sink) { SeedSet = listed.SeedSet, Functions = listed.Functions };
        var spy = new RecordingSynthesizer();
        var reports = new ReportList();

        var run = (LabelingRun<string>)await new LabelingPipeline([spy], Options(EndModelChoiceRule.NestedSignTest)) { NestedChoiceItemBound = 30 }.RunAsync(streamed, reports);

        int seedValue = Options(EndModelChoiceRule.Off).Seed;
        string[] sample = [.. SeededSample.Indices(listed.Items.Count, 30, seedValue).Select(i => listed.Items[i])];
        LabeledExample<string>[] seed = [.. listed.SeedSet];
        int[] fold = DevFolds.Shuffled([.. seed.Select(e => e.Label)], 2, EndModelCrossValidation.FoldCount, seedValue, offsetByClass: true);
        Assert.Equal(6, spy.Calls.Count);
        Assert.Equal(seed, spy.Calls[0]);
        for (int f = 0; f < EndModelCrossValidation.FoldCount; f++)
        {
            int current = f;
            Assert.Equal(seed.Where((_, i) => fold[i] != current), spy.Calls[1 + f]);
            Assert.Equal(sample, spy.Unlabeled[1 + f]);
        }

        Assert.Equal(200, sink.Labels.Count);
        Assert.Equal(5, run.EndModelChoice!.Folds);
        Assert.False(run.EndModelChoice.SeedOnlyShipped);
        Assert.Contains(reports, r => r.Stage == PipelineStage.Distill && r.Message == "final choice, fold 5 of 5: Labeling items" && r.Total == 30);
    }

    /// <summary>Collects progress reports as they are made, on the reporting thread.</summary>
    private sealed class ReportList : List<PipelineProgress>, IProgress<PipelineProgress>
    {
        private readonly Lock _lock = new();

        public void Report(PipelineProgress value)
        {
            lock (_lock)
            {
                Add(value);
            }
        }
    }

    /// <summary>A synthesizer that fails at once with the same message every call.</summary>
    private sealed class FailingSynthesizer : IProgramSynthesizer
    {
        public string Name => "failing";

        public async IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await System.Threading.Tasks.Task.Yield();
            throw new InvalidOperationException("no programs today");
#pragma warning disable CS0162 // An iterator needs a yield.
            yield break;
#pragma warning restore CS0162
        }
    }
}
