using Alchemist.Testing;

namespace Alchemist.Tests.Pipeline;

public class LabelingPipelineTests
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    private const string LinkProgram = """
        using System.Text.RegularExpressions;
        public static class Links
        {
            private static readonly Regex Url = new(@"https?://|www\.", RegexOptions.IgnoreCase);
            public static int Label(string item) => Url.IsMatch(item) ? 1 : -1;
        }
        """;

    private const string SubscribeProgram = """
        public static class Subscribe
        {
            public static int Label(string item) => item.Contains("subscribe", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    private const string SongProgram = """
        public static class Song
        {
            public static int Label(string item) => item.Contains("song", System.StringComparison.OrdinalIgnoreCase) ? 0 : -1;
        }
        """;

    private const string HostileProgram = """
        public static class Hostile
        {
            public static int Label(string item) => System.IO.File.Exists("/etc/passwd") ? 1 : -1;
        }
        """;

    private const string LoopingProgram = """
        public static class Looping
        {
            public static int Label(string item)
            {
                int n = 0;
                while (item.Length > 0 && !item.Contains("love", System.StringComparison.OrdinalIgnoreCase)) { n++; }
                return 0;
            }
        }
        """;

    [Fact]
    public async Task RunAsync_FixedPrograms_LabelsEveryItemAndExplainsEveryDrop()
    {
        var synthesizer = new PipelineTestData.FixedSynthesizer(
            ("links", LinkProgram), ("subscribe", SubscribeProgram), ("song", SongProgram), ("hostile", HostileProgram), ("subscribe-again", SubscribeProgram));
        var pipeline = new LabelingPipeline([synthesizer], new LabelingPipelineOptions { LabelModel = "majority" });
        var stages = new List<PipelineStage>();

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob(), new SynchronousProgress<PipelineProgress>(p => stages.Add(p.Stage)));

        Assert.Equal(1686, run.ItemIds.Count);
        Assert.Equal(1686, run.Labels.Count);
        Assert.Equal(1686, run.Probabilities.ItemCount);
        Assert.All(run.Labels, l => Assert.InRange(l, 0, 1));
        Assert.Equal(["links", "song", "subscribe"], run.Programs.Where(p => p.Kept).Select(p => p.Program.Name));
        ProgramOutcome hostile = Assert.Single(run.Programs, p => p.Program.Name == "hostile");
        Assert.Equal(GateDropReason.SandboxRejected, hostile.DropReason);
        ProgramOutcome duplicate = Assert.Single(run.Programs, p => p.Program.Name == "subscribe-again");
        Assert.Equal(GateDropReason.Duplicate, duplicate.DropReason);
        Assert.Equal(3, run.Matrix.FunctionCount);
        Assert.True(run.SeedModelVoted);
        Assert.Equal("majority", run.LabelModel!.ModelName);
        Assert.Equal(120, run.SeedItems);
        Assert.All(run.Programs.Where(p => p.Kept), p => Assert.NotNull(p.DevAccuracy));
        Assert.NotNull(run.Test);
        Assert.NotNull(run.Test.SeedOnly);
        Assert.NotNull(run.Test.LabelModel);
        // Every stage in order, but Embed: this run has no embedding generator, so no concept scores.
        PipelineStage[] expected = [.. Enum.GetValues<PipelineStage>().Where(s => s != PipelineStage.Embed)];
        Assert.Equal(expected, stages.Distinct());
        Assert.Equal(expected, run.Timings.Select(t => t.Stage));
        Assert.Equal(0, run.SynthesisCost.Calls);
        Assert.Equal(1686, run.DirectLabeling!.Items);
    }

    [Fact]
    public async Task RunAsync_ReusedPrograms_CallsNoSynthesizerAndGivesTheSameLabels()
    {
        var synthesizer = new PipelineTestData.FixedSynthesizer(("links", LinkProgram), ("song", SongProgram));
        var options = new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, LabelModel = "majority", Seed = 3 };
        LabelingRun first = await new LabelingPipeline([synthesizer], options).RunAsync(PipelineTestData.YouTubeJob());
        LabelingProgram[] kept = [.. first.Programs.Where(p => p.Kept).Select(p => p.Program)];

        LabelingRun again = await new LabelingPipeline([new PipelineTestData.ForbiddenSynthesizer()], options).RunAsync(PipelineTestData.YouTubeJob(kept));

        Assert.Equal(first.Labels, again.Labels);
        Assert.True(first.Matrix.AsSpan().SequenceEqual(again.Matrix.AsSpan()));
    }

    [Fact]
    public async Task RunAsync_RunawayProgram_IsContainedAndCounted()
    {
        // The loop only ends on items that mention "love": everywhere else the step budget stops it.
        var synthesizer = new PipelineTestData.FixedSynthesizer(("links", LinkProgram), ("looping", LoopingProgram));
        var options = new LabelingPipelineOptions { LabelModel = "majority", GateSampleSize = 50 };
        var compiler = new ProgramCompiler(new SandboxOptions { StepBudget = 20_000 });
        var gate = new ProgramGate(compiler, new ProgramGateOptions { MaxFaultRate = 1.0, MinDevAccuracy = 0, MinDevCoverage = 0 });
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 0.5, QuarantineMinimumItems = 100, ChunkSize = 100 });

        LabelingRun run = await new LabelingPipeline([synthesizer], options, compiler, gate, applier).RunAsync(PipelineTestData.YouTubeJob());

        ProgramOutcome looping = Assert.Single(run.Programs, p => p.Program.Name == "looping");
        Assert.True(looping.Kept);
        Assert.True(looping.Faults!.Quarantined);
        Assert.True(looping.BudgetOverruns > 50);
        Assert.Equal(looping.BudgetOverruns, looping.Faults.Exceptions);
    }

    [Fact]
    public async Task RunAsync_ChatAndFixedSynthesizers_ReportsTheChatCost()
    {
        using var chat = new ScriptedChatClient("gpt-4o-mini")
            .Reply("```csharp\n" + SubscribeProgram + "\n```", inputTokens: 1_000, outputTokens: 200)
            .Reply("No code here, sorry.", inputTokens: 900, outputTokens: 20)
            .Reply("Still no code.", inputTokens: 0, outputTokens: 0);  // the one request for the block
        var ledger = new CostLedger([new("gpt-4o-mini", new ModelPrice(0.15m, 0.60m))]);
        var chatSynthesizer = new ChatProgramSynthesizer(chat, new ChatSynthesizerOptions { MaxConcurrency = 1, MaxRepairs = 0 }, ledger);
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("links", LinkProgram)), chatSynthesizer],
            new LabelingPipelineOptions { LabelModel = "majority", ProgramsPerSynthesizer = 2, FeedbackRounds = 0 },
            ledger: ledger);

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob());

        Assert.Equal(3, run.SynthesisCost.Calls);
        Assert.Equal(1_900, run.SynthesisCost.InputTokens);
        Assert.Equal(220, run.SynthesisCost.OutputTokens);
        Assert.Equal(((1_900 * 0.15m) + (220 * 0.60m)) / 1_000_000m, run.SynthesisCost.CostUsd);
        Assert.Contains(run.SynthesisAttempts, a => a.Outcome == SynthesisOutcome.RejectedReply);
        Assert.Contains(run.Programs, p => p.Kept && p.Program.Provenance.Synthesizer == "chat");
        Assert.NotNull(run.TimesCheaper);
        Assert.Equal((double)(run.DirectLabeling!.CostUsd!.Value / run.SynthesisCost.CostUsd), run.TimesCheaper!.Value, 9);
        Assert.True(run.TimesCheaper > 1);
        Assert.Contains($"this run was {RunReport.Times(run.TimesCheaper.Value)}x cheaper", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SynthesisDearerThanDirectLabeling_ReportsWhereItPaysOff()
    {
        // A million prompt tokens cost $0.15, several times what labeling the YouTube train split directly would.
        using var chat = new ScriptedChatClient("gpt-4o-mini")
            .Reply("```csharp\n" + SubscribeProgram + "\n```", inputTokens: 1_000_000, outputTokens: 200);
        var ledger = new CostLedger([new("gpt-4o-mini", new ModelPrice(0.15m, 0.60m))]);
        var chatSynthesizer = new ChatProgramSynthesizer(chat, new ChatSynthesizerOptions { MaxConcurrency = 1, MaxRepairs = 0 }, ledger);
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("links", LinkProgram)), chatSynthesizer],
            new LabelingPipelineOptions { LabelModel = "majority", ProgramsPerSynthesizer = 1, FeedbackRounds = 0 },
            ledger: ledger);

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob());

        double times = run.TimesCheaper!.Value;
        Assert.InRange(times, 0.0, 1.0);
        long breakEven = run.BreakEvenItemCount!.Value;
        Assert.Equal((long)Math.Ceiling(run.DirectLabeling!.Items / times), breakEven);
        Assert.True(breakEven > run.DirectLabeling.Items);
        string md = RunReport.ToMarkdown(run);
        Assert.Contains($"what labeling these items directly would, and pays for itself from about {breakEven:N0} items", md, StringComparison.Ordinal);
        Assert.DoesNotContain("x cheaper", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TrainedModels_LabelNewItemsAndReproduceTheRunsFigures()
    {
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("links", LinkProgram), ("subscribe", SubscribeProgram), ("song", SongProgram))],
            new LabelingPipelineOptions { LabelModel = "majority", DirectLabelingModel = null });
        LabelingJob<string> job = PipelineTestData.YouTubeJob();

        LabelingRun<string> run = await pipeline.RunAsync(job);

        // The end model the run returns is the one that labeled the items: same distributions, no re-run.
        ClassProbabilities again = await run.TrainedEndModel.PredictProbabilitiesAsync(job.Items);
        Assert.Equal(run.Probabilities.AsSpan().ToArray(), again.AsSpan().ToArray());

        // Both models label items the run never saw, and reproduce the run's test figures.
        string[] testTexts = [.. job.TestSet!.Select(e => e.Item)];
        int[] gold = [.. job.TestSet!.Select(e => e.Label)];
        ClassProbabilities endOnTest = await run.TrainedEndModel.PredictProbabilitiesAsync(testTexts);
        ClassProbabilities seedOnTest = await run.SeedOnlyModel!.PredictProbabilitiesAsync(testTexts);
        Assert.Equal(run.Test!.EndModel.Accuracy, ClassificationMetrics.Score(gold, endOnTest.Predict(TieBreak.Random(run.Seed)), 2).Accuracy);
        Assert.Equal(run.Test.SeedOnly!.Accuracy, ClassificationMetrics.Score(gold, seedOnTest.Predict(TieBreak.Random(run.Seed)), 2).Accuracy);

        ClassProbabilities fresh = await run.TrainedEndModel.PredictProbabilitiesAsync(["Check out my new channel and subscribe http://example.com", "I love this song so much"]);
        Assert.Equal(2, fresh.ItemCount);
        Assert.Equal(1, fresh.Predict(TieBreak.ClassPrior)[0]);
        Assert.Equal(0, fresh.Predict(TieBreak.ClassPrior)[1]);
    }

    [Fact]
    public async Task RunAsync_NoSeedSet_HasNoSeedOnlyModel()
    {
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("links", LinkProgram), ("song", SongProgram))],
            new LabelingPipelineOptions { LabelModel = "majority", DirectLabelingModel = null });
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();

        LabelingRun<string> run = await pipeline.RunAsync(new LabelingJob<string>(youtube.Task, youtube.Items));

        Assert.Null(run.SeedOnlyModel);
        Assert.Null(run.Test);
        Assert.Equal(youtube.Items.Count, (await run.TrainedEndModel.PredictProbabilitiesAsync(youtube.Items)).ItemCount);
    }

    [Fact]
    public async Task RunAsync_NoSeedSetWithTheOfflineSynthesizer_SkipsItAndWarnsWhatTheRunCouldNotDo()
    {
        var pipeline = new LabelingPipeline(
            [new OfflineProgramSynthesizer(), new PipelineTestData.FixedSynthesizer(("links", LinkProgram), ("song", SongProgram))],
            new LabelingPipelineOptions { DirectLabelingModel = null });
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();

        LabelingRun<string> run = await pipeline.RunAsync(new LabelingJob<string>(youtube.Task, youtube.Items));

        Assert.Equal(2, run.KeptCount);
        Assert.Equal(LabelingPipeline.NoSeedLabelsWarning, run.Warnings[0]);
        Assert.Equal(SynthesisStage.NoSeedLabelsForOffline, run.Warnings[1]);
        Assert.DoesNotContain(run.Warnings, w => w.Contains("synthesizer failed", StringComparison.Ordinal));
        Assert.Contains(run.Warnings, w => w.Contains("fell back to majority vote", StringComparison.Ordinal));
        Assert.Contains(SynthesisStage.NoSeedLabelsForOffline, RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WeakLabelsWorseThanSeedOnly_WarnsAndSaysSoInTheReport()
    {
        // The "delta" program is right on the one seed item it fires on, so the gate keeps it, but it is wrong on every
        // "alpha delta" item to label and to score: the end model learns its mistake from 100 items, while the seed-only
        // model, which never sees those items, calls them "alpha", class 0, as the seed labels teach.
        const string DeltaProgram = "public static class Delta { public static int Label(string s) => s.Contains(\"delta\") ? 1 : -1; }";
        var task = new LabelingTask("toy", "alpha or beta", ["alpha", "beta"]);
        LabeledExample<string>[] seed =
        [
            .. Enumerable.Range(0, 30).Select(i => new LabeledExample<string>($"alpha alpha one {i}", 0)),
            .. Enumerable.Range(0, 30).Select(i => new LabeledExample<string>($"beta beta two {i}", 1)),
            new("beta delta", 1),
        ];
        string[] items = [.. Enumerable.Range(0, 100).Select(i => $"alpha delta {i}"), .. Enumerable.Range(0, 20).Select(i => $"beta beta two {i + 30}")];
        LabeledExample<string>[] test = [.. Enumerable.Range(0, 10).Select(i => new LabeledExample<string>($"alpha alpha delta {i + 200}", 0)), .. Enumerable.Range(0, 10).Select(i => new LabeledExample<string>($"beta beta two {i + 200}", 1))];
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("delta", DeltaProgram))],
            new LabelingPipelineOptions { LabelModel = "majority", SeedModelVoter = false, DirectLabelingModel = null });

        LabelingRun run = await pipeline.RunAsync(new LabelingJob<string>(task, items) { SeedSet = seed, TestSet = test });

        RunScores scores = run.Test!;
        Assert.Equal(LabelModelMetric.Accuracy, scores.Metric);
        Assert.Equal(1.0, scores.SeedOnly!.Accuracy);
        Assert.Equal(0.5, scores.EndModel.Accuracy); // every "alpha alpha delta" test item is called beta
        Assert.Equal(scores.EndModel.Accuracy - scores.SeedOnly!.Accuracy, scores.GainOverSeedOnly!.Value, 12);
        string warning = Assert.Single(run.Warnings, w => w.Contains("seed-only baseline", StringComparison.Ordinal));
        Assert.StartsWith("Weak supervision did not beat the seed-only baseline on the test split: accuracy ", warning, StringComparison.Ordinal);
        Assert.Contains(warning, RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FeedbackRound_ShowsTheChatModelWhatTheFirstRoundMissed()
    {
        using var chat = new ScriptedChatClient("gpt-4o-mini")
            .Reply("```csharp\n" + SubscribeProgram + "\n```", inputTokens: 1_000, outputTokens: 200)
            .Reply("```csharp\n" + SongProgram + "\n```", inputTokens: 1_100, outputTokens: 210);
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("links", LinkProgram)), new ChatProgramSynthesizer(chat, new ChatSynthesizerOptions { MaxConcurrency = 1, MaxRepairs = 0 })],
            new LabelingPipelineOptions { LabelModel = "majority", ProgramsPerSynthesizer = 1, FeedbackRounds = 1 });

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob());

        Assert.Equal(2, chat.Requests.Count);
        string first = chat.Requests[0].Messages[^1].Text;
        string second = chat.Requests[1].Messages[^1].Text;
        Assert.DoesNotContain("Items no current program labels", first, StringComparison.Ordinal);
        Assert.Contains("Items no current program labels", second, StringComparison.Ordinal);
        Assert.Contains(run.Programs, p => p.Kept && p.Program.Name.StartsWith("llm-r2", StringComparison.Ordinal));
        Assert.Equal(["links", "llm-000", "llm-r2-000"], run.Programs.Where(p => p.Kept).Select(p => p.Program.Name));
    }

    [Fact]
    public async Task RunAsync_NothingToLearnFrom_Throws()
    {
        LabelingJob<string> job = PipelineTestData.YouTubeJob();
        var unseeded = new LabelingJob<string>(job.Task, job.Items);
        var pipeline = new LabelingPipeline([new PipelineTestData.FixedSynthesizer(("hostile", HostileProgram))], new LabelingPipelineOptions { LabelModel = "majority" });
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(unseeded));
        Assert.StartsWith("There is nothing to learn from", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Canceled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var pipeline = new LabelingPipeline([new PipelineTestData.FixedSynthesizer(("links", LinkProgram))]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.RunAsync(PipelineTestData.YouTubeJob(), cancellationToken: cts.Token));
    }

    [Fact]
    public void Ctor_UnknownLabelModel_ListsKnownModels()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => new LabelingPipeline([], new LabelingPipelineOptions { LabelModel = "nope" }));
        Assert.StartsWith("Unknown label model 'nope'. Known label models: majority", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SeedItemWeight_WeighsEachSeedItemInTheEndModelsTrainingSet()
    {
        var recording = new RecordingEndModel(LogisticRegressionEndModel.ForText());
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        var job = new LabelingJob<string>(youtube.Task, youtube.Items) { SeedSet = youtube.SeedSet, EndModel = recording };
        var options = new LabelingPipelineOptions { LabelModel = "majority", SeedItemWeight = 4, SeedModelVoter = false, ScoreSeedOnlyBaseline = false };

        await new LabelingPipeline([new PipelineTestData.FixedSynthesizer(("links", LinkProgram))], options).RunAsync(job);

        EndModelTrainingSet<string> trained = Assert.Single(recording.TrainingSets);
        int seedCount = youtube.SeedSet.Count;
        Assert.Equal(youtube.SeedSet.Select(e => e.Item), trained.Items.Skip(trained.Count - seedCount));
        Assert.All(trained.Weights.Skip(trained.Count - seedCount), w => Assert.Equal(4.0, w));
        Assert.All(trained.Weights.Take(trained.Count - seedCount), w => Assert.InRange(w, 0.0, 1.0));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Ctor_SeedItemWeightNotPositive_Throws(double weight) =>
        OptionsAssert.Rejects(() => new LabelingPipeline([], new LabelingPipelineOptions { SeedItemWeight = weight }), nameof(LabelingPipelineOptions.SeedItemWeight));

    [Fact]
    public async Task RunAsync_OptionsMadeInvalidAfterConstruction_RefusedBeforeAnyWork()
    {
        var options = new LabelingPipelineOptions();
        var pipeline = new LabelingPipeline([new PipelineTestData.ForbiddenSynthesizer()], options);
        options.FeedbackRounds = -1;

        ArgumentException ex = await Assert.ThrowsAsync<ArgumentException>(() => pipeline.RunAsync(PipelineTestData.YouTubeJob()));
        Assert.Contains("FeedbackRounds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RecordItemsWithoutEndModel_ExplainsWhatToSet()
    {
        var job = new LabelingJob<Ticket>(new LabelingTask("t", "", ["a", "b"]), [new Ticket("x")]);
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => new LabelingPipeline([]).RunAsync(job));
        Assert.Contains("set LabelingJob.EndModel", ex.Message, StringComparison.Ordinal);
    }

    public sealed record Ticket(string Body);

    /// <summary>An end model that records every training set it is given and trains the wrapped model on it.</summary>
    private sealed class RecordingEndModel(IEndModel<string> inner) : IEndModel<string>
    {
        public List<EndModelTrainingSet<string>> TrainingSets { get; } = [];

        public string Name => inner.Name;

        public ValueTask<ITrainedEndModel<string>> TrainAsync(EndModelTrainingSet<string> trainingSet, CancellationToken cancellationToken = default)
        {
            TrainingSets.Add(trainingSet);
            return inner.TrainAsync(trainingSet, cancellationToken);
        }
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
