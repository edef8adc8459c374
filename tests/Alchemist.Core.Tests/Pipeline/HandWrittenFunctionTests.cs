namespace Alchemist.Tests.Pipeline;

/// <summary>A user's own rules join a run: <see cref="LabelingJob{TItem}.Functions"/>, beside (or instead of) synthesized programs.</summary>
public class HandWrittenFunctionTests
{
    private const string LinkProgram = """
        public static class Links
        {
            public static int Label(string item) => item.Contains("http", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    private static readonly ILabelingFunction<string> Subscribe = LabelingFunction.FromKeywords("subscribe", label: 1, "subscribe");
    private static readonly ILabelingFunction<string> Song = LabelingFunction.Create<string>("song", text => text.Contains("song", StringComparison.OrdinalIgnoreCase) ? 0 : Label.Abstain);
    private static readonly ILabelingFunction<string> Silent = LabelingFunction.Create<string>("silent", _ => Label.Abstain);

    // The same votes as the Links program, so the program duplicates a kept function.
    private static readonly ILabelingFunction<string> MyLinks = LabelingFunction.Create<string>("my-links", text => text.Contains("http", StringComparison.OrdinalIgnoreCase) ? 1 : Label.Abstain);

    [Fact]
    public async Task RunAsync_FunctionsAndNoSynthesizer_LabelsWithThemAndReportsEach()
    {
        LabelingJob<string> job = Job([Subscribe, Song, Silent]);
        var pipeline = new LabelingPipeline([], Options("dawid-skene"));

        LabelingRun run = await pipeline.RunAsync(job);

        Assert.Empty(run.Programs);
        Assert.Equal(["subscribe", "song", "silent"], run.Matrix.FunctionNames);
        Assert.Equal(["subscribe", "song", "silent"], run.Functions.Select(f => f.Name));
        Assert.All(run.Functions, f => Assert.True(f.Kept)); // Hand-written functions are kept, even one that never votes.
        for (int i = 0; i < job.Items.Count; i++)
        {
            Assert.Equal(Subscribe.Apply(job.Items[i]), run.Matrix[i, 0]);
            Assert.Equal(Song.Apply(job.Items[i]), run.Matrix[i, 1]);
        }

        FunctionOutcome subscribe = run.Functions[0];
        Assert.True(subscribe.Analysis!.Coverage > 0);
        Assert.NotNull(subscribe.DevAccuracy);
        Assert.True(subscribe.DevCoverage > 0);
        Assert.Equal(0, subscribe.Faults!.Total);
        Assert.NotNull(subscribe.LabelModelAccuracy);
        Assert.Equal(run.LabelModel!.FunctionAccuracies![0], subscribe.LabelModelAccuracy);
        Assert.Equal(0, run.Functions[2].Analysis!.Coverage);

        string markdown = RunReport.ToMarkdown(run);
        Assert.Contains("## Hand-written functions (3 kept of 3)", markdown, StringComparison.Ordinal);
        Assert.Contains("| `subscribe` | yes | SPAM |", markdown, StringComparison.Ordinal);
        Assert.Contains("<h2>Hand-written functions (3 kept of 3)</h2>", RunReport.ToHtml(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_GateHandWrittenFunctions_DropsThemByTheSameChecksAsPrograms()
    {
        var options = Options("majority");
        options.GateHandWrittenFunctions = true;

        LabelingRun run = await new LabelingPipeline([], options).RunAsync(Job([Subscribe, Silent]));

        Assert.Equal(["subscribe"], run.Matrix.FunctionNames);
        FunctionOutcome silent = run.Functions.Single(f => f.Name == "silent");
        Assert.False(silent.Kept);
        Assert.Equal(GateDropReason.AllAbstain, silent.DropReason);
        Assert.Contains("| `silent` | no |", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProgramVotingAsAKeptFunction_IsDroppedAsItsDuplicate()
    {
        var pipeline = new LabelingPipeline([new PipelineTestData.FixedSynthesizer(("links", LinkProgram))], Options("majority"));

        LabelingRun run = await pipeline.RunAsync(Job([MyLinks, Song]));

        Assert.Equal(["my-links", "song"], run.Matrix.FunctionNames);
        ProgramOutcome links = Assert.Single(run.Programs);
        Assert.Equal(GateDropReason.Duplicate, links.DropReason);
        Assert.Contains("the kept function 'my-links'", links.DropMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FunctionsBesidePrograms_AreColumnsFirstAndTheProgramsFollow()
    {
        var pipeline = new LabelingPipeline([new PipelineTestData.FixedSynthesizer(("links", LinkProgram))], Options("majority"));

        LabelingRun run = await pipeline.RunAsync(Job([Subscribe, Song]));

        Assert.Equal(["subscribe", "song", "links"], run.Matrix.FunctionNames);
        Assert.True(Assert.Single(run.Programs).Kept);
    }

    [Fact]
    public void Functions_DuplicateNamesOrNull_AreRefusedWhenTheJobIsMade()
    {
        LabelingTask task = PipelineTestData.YouTubeJob().Task;
        ArgumentException duplicate = Assert.Throws<ArgumentException>(() => new LabelingJob<string>(task, ["a"]) { Functions = [Song, LabelingFunction.Create<string>("song", _ => 0)] });
        Assert.Contains("'song'", duplicate.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new LabelingJob<string>(task, ["a"]) { Functions = [Song, null!] });
    }

    private static LabelingPipelineOptions Options(string labelModel) => new()
    {
        LabelModel = labelModel,
        SeedModelVoter = false,
        ScoreSeedOnlyBaseline = false,
        DirectLabelingModel = null,
        FeedbackRounds = 0,
    };

    private static LabelingJob<string> Job(IReadOnlyList<ILabelingFunction<string>> functions)
    {
        LabelingJob<string> youtube = RunIsolationTests.SmallJob("hand-written");
        return new LabelingJob<string>(youtube.Task, youtube.Items) { SeedSet = youtube.SeedSet, Functions = functions };
    }
}
