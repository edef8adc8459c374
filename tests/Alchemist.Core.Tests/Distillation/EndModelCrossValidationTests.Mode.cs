using Alchemist.Tests.Streaming;

namespace Alchemist.Tests.Distillation;

/// <summary>The public switch of the final check (<see cref="LabelingPipelineOptions.EndModelChoice"/>): which runs are checked, and what a run that is not says.</summary>
public partial class EndModelCrossValidationTests
{
    [Fact]
    public void Options_Default_IsAuto()
    {
        Assert.Equal(EndModelChoiceMode.Auto, new LabelingPipelineOptions().EndModelChoice);
    }

    [Fact]
    public void Constructor_UndefinedMode_IsRefused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LabelingPipeline([], new LabelingPipelineOptions { EndModelChoice = (EndModelChoiceMode)7 }));
        Assert.Contains(nameof(LabelingPipelineOptions.EndModelChoice), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AutoWithALocalSynthesizer_ChecksWithTheNestedRule()
    {
        var spy = new RecordingSynthesizer();

        var run = (LabelingRun<string>)await new LabelingPipeline([new Local(spy)], ModeOptions(EndModelChoiceMode.Auto)).RunAsync(RightJob());

        // The run's own call and one per fold: the whole pipeline re-ran five times.
        Assert.Equal(1 + EndModelCrossValidation.FoldCount, spy.Calls.Count);
        EndModelChoice choice = Assert.IsType<EndModelChoice>(run.EndModelChoice);
        Assert.Equal(EndModelChoiceRule.NestedSignTest, choice.Rule);
        Assert.False(choice.SeedOnlyShipped, choice.ToString());
        Assert.Null(run.EndModelChoiceSkipReason);
        Assert.Contains("- **Model shipped**: the pipeline's end model shipped: 5-fold cross-validation over the 20 seed items (the whole pipeline re-run per fold", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AutoWithASynthesizerThatCallsAService_IsNotCheckedAndSaysWhy()
    {
        var spy = new RecordingSynthesizer();

        var run = (LabelingRun<string>)await new LabelingPipeline([spy], ModeOptions(EndModelChoiceMode.Auto)).RunAsync(RightJob());

        Assert.Single(spy.Calls);
        Assert.Equal(1, run.SynthesisCost.Calls);
        Assert.Null(run.EndModelChoice);
        Assert.Same(run.DistilledEndModel, run.TrainedEndModel);
        const string Reason = "not checked against the seed-only model: the check re-runs synthesis once per fold, and the synthesizer 'recording' calls a service (up to five more rounds of its calls); set EndModelChoice to Always to check anyway";
        Assert.Equal(Reason, run.EndModelChoiceSkipReason);
        Assert.Contains($"- **Model shipped**: the pipeline's end model, {Reason}", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AutoWithTheJobsOwnPrograms_ChecksWithoutCallingTheSynthesizer()
    {
        var spy = new RecordingSynthesizer();
        LabelingJob<string> job = RightJob();
        job = new LabelingJob<string>(job.Task, job.Items) { SeedSet = job.SeedSet, Functions = job.Functions, Programs = [] };

        var run = (LabelingRun<string>)await new LabelingPipeline([spy], ModeOptions(EndModelChoiceMode.Auto)).RunAsync(job);

        Assert.Empty(spy.Calls);
        Assert.NotNull(run.EndModelChoice);
        Assert.Null(run.EndModelChoiceSkipReason);
    }

    [Fact]
    public async Task RunAsync_AlwaysWithASynthesizerThatCallsAService_ChecksAndCountsTheFoldRunsCalls()
    {
        var spy = new RecordingSynthesizer();

        var run = (LabelingRun<string>)await new LabelingPipeline([spy], ModeOptions(EndModelChoiceMode.Always)).RunAsync(RightJob());

        Assert.Equal(1 + EndModelCrossValidation.FoldCount, spy.Calls.Count);
        Assert.Equal(1 + EndModelCrossValidation.FoldCount, run.SynthesisCost.Calls);
        Assert.NotNull(run.EndModelChoice);
    }

    [Fact]
    public async Task RunAsync_Off_IsNotCheckedAndSaysSo()
    {
        var spy = new RecordingSynthesizer();

        var run = (LabelingRun<string>)await new LabelingPipeline([new Local(spy)], ModeOptions(EndModelChoiceMode.Off)).RunAsync(RightJob());

        Assert.Single(spy.Calls);
        Assert.Null(run.EndModelChoice);
        Assert.Equal("not checked against the seed-only model (EndModelChoice is Off)", run.EndModelChoiceSkipReason);
    }

    [Fact]
    public async Task RunAsync_AutoOnAStreamedJob_ChecksAsTheListRunDoes()
    {
        LabelingJob<string> listed = RightJob();
        var sink = new CollectingSink();
        var streamed = new LabelingJob<string>(listed.Task, ItemSource.FromList(listed.Items), sink) { SeedSet = listed.SeedSet, Functions = listed.Functions };

        LabelingRun listRun = await new LabelingPipeline([new Local(new RecordingSynthesizer())], ModeOptions(EndModelChoiceMode.Auto)).RunAsync(listed);
        LabelingRun streamRun = await new LabelingPipeline([new Local(new RecordingSynthesizer())], ModeOptions(EndModelChoiceMode.Auto)).RunAsync(streamed);

        EndModelChoice expected = Assert.IsType<EndModelChoice>(listRun.EndModelChoice);
        EndModelChoice actual = Assert.IsType<EndModelChoice>(streamRun.EndModelChoice);
        Assert.Equal(expected.ToString(), actual.ToString());
        Assert.Equal(listRun.Labels, sink.Labels);
    }

    [Fact]
    public async Task RunAsync_AutoOnAJobLargerThanTheFoldRunsBound_IsNotCheckedAndSaysWhy()
    {
        var spy = new RecordingSynthesizer();
        var pipeline = new LabelingPipeline([new Local(spy)], ModeOptions(EndModelChoiceMode.Auto)) { NestedChoiceItemBound = 150 };

        LabelingRun run = await pipeline.RunAsync(RightJob());

        Assert.Single(spy.Calls);
        Assert.Null(run.EndModelChoice);
        Assert.Equal(
            "not checked against the seed-only model: the job has 200 items, more than the 150 the check's fold runs label, so it would check on a sample at the cost of five runs of that size; set EndModelChoice to Always to check anyway",
            run.EndModelChoiceSkipReason);
    }

    [Fact]
    public async Task RunAsync_AlwaysOnAJobLargerThanTheFoldRunsBound_ChecksOnTheSample()
    {
        var spy = new RecordingSynthesizer();
        var pipeline = new LabelingPipeline([new Local(spy)], ModeOptions(EndModelChoiceMode.Always)) { NestedChoiceItemBound = 150 };

        LabelingRun run = await pipeline.RunAsync(RightJob());

        Assert.Equal(1 + EndModelCrossValidation.FoldCount, spy.Calls.Count);
        Assert.NotNull(run.EndModelChoice);
        Assert.Null(run.EndModelChoiceSkipReason);
    }

    private static LabelingJob<string> RightJob() =>
        Job(LabelingFunction.Create<string>("right", text => Fruits.Any(text.Contains) ? 0 : Tools.Any(text.Contains) ? 1 : Label.Abstain), seedPerClass: 10);

    private static LabelingPipelineOptions ModeOptions(EndModelChoiceMode mode) => new()
    {
        LabelModel = "majority",
        SeedModelVoter = false,
        DirectLabelingModel = null,
        FeedbackRounds = 0,
        EndModelChoice = mode,
    };

    /// <summary>The same synthesizer, saying it works locally (<see cref="IProgramSynthesizer.IsLocal"/>).</summary>
    private sealed class Local(IProgramSynthesizer inner) : IProgramSynthesizer
    {
        public string Name => inner.Name;

        public bool IsLocal => true;

        public IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, CancellationToken cancellationToken = default) =>
            inner.SynthesizeAsync(request, cancellationToken);
    }
}
