using Alchemist.Testing;

namespace Alchemist.Tests.Pipeline;

/// <summary>Every failure of a run visible in its warnings and reports (issue #12, item 2).</summary>
public class RunFailureReportTests
{
    private const string SubscribeProgram = """
        public static class Subscribe
        {
            public static int Label(string item) => item.Contains("subscribe", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    private const string ReadsAFile = """
        public static class ReadsAFile
        {
            public static int Label(string item) => System.IO.File.Exists(item) ? 1 : -1;
        }
        """;

    [Fact]
    public async Task RunAsync_SomeCallsGaveNoProgram_WarnsOnceWithTheCountAndBothReportsListEachWithItsReason()
    {
        // Slot 0: a program the sandbox rejects (no repair allowed). Slot 1: a reply without code, then the one request
        // for the block, answered with a good program.
        using var chat = new ScriptedChatClient("gpt-4o-mini")
            .Reply("```csharp\n" + ReadsAFile + "\n```")
            .Reply("No code here, sorry.")
            .Reply("```csharp\n" + SubscribeProgram + "\n```");
        var pipeline = new LabelingPipeline(
            [new ChatProgramSynthesizer(chat, new ChatSynthesizerOptions { MaxConcurrency = 1, MaxRepairs = 0 })],
            new LabelingPipelineOptions { LabelModel = "majority", ProgramsPerSynthesizer = 2, FeedbackRounds = 0, DirectLabelingModel = null });

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob());

        Assert.Equal(1, run.KeptCount);
        Assert.Equal(3, run.SynthesisAttempts.Count);
        string warning = Assert.Single(run.Warnings, w => w.Contains("synthesis calls gave no program", StringComparison.Ordinal));
        Assert.Equal(
            "2 of 3 synthesis calls gave no program (no code block: 1, failed validation: 1); the report lists each under 'Synthesis attempts that gave no program' with its reason.",
            warning);

        string md = RunReport.ToMarkdown(run);
        Assert.Contains("- **Synthesis calls**: 3, of which 2 gave no program", md, StringComparison.Ordinal);
        Assert.Contains("## Synthesis attempts that gave no program (2 of 3 calls)", md, StringComparison.Ordinal);
        Assert.Matches(@"\| `[a-z]+-\d+` \| original \| failed validation \| Failed validation with \d problem\(s\); no repairs left \(0 allowed\), so this slot produced no program\.<br>line \d+, column \d+: \[io\] ", md);
        Assert.Matches(@"\| `[a-z]+-\d+` \| original \| no code block \| The reply has no code block", md);
        Assert.Contains("- " + warning, md, StringComparison.Ordinal);

        string html = RunReport.ToHtml(run);
        Assert.Contains("<h2>Synthesis attempts that gave no program (2 of 3 calls)</h2>", html, StringComparison.Ordinal);
        Assert.Matches(@"<td>original</td><td>failed validation</td><td class=""text"">Failed validation with \d problem\(s\); [^<]*<ul><li>line \d+, column \d+: \[io\] ", html);
        Assert.Contains("<td>no code block</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoLlm_HasNoAttemptsSectionAndNoWarning()
    {
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("subscribe", SubscribeProgram))],
            new LabelingPipelineOptions { LabelModel = "majority", DirectLabelingModel = null });

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob());

        Assert.DoesNotContain(run.Warnings, w => w.Contains("synthesis calls", StringComparison.Ordinal));
        Assert.DoesNotContain("Synthesis attempts", RunReport.ToMarkdown(run), StringComparison.Ordinal);
        Assert.DoesNotContain("Synthesis attempts", RunReport.ToHtml(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OfflineSynthesizerWithTooFewSeedLabels_SaysHowManyEachClassWouldNeed()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        LabeledExample<string>[] seed = [.. youtube.SeedSet.Where(e => e.Label == 0).Take(7).Concat(youtube.SeedSet.Where(e => e.Label == 1).Take(3))];
        var pipeline = new LabelingPipeline([new OfflineProgramSynthesizer()], new LabelingPipelineOptions { DirectLabelingModel = null });

        LabelingRun run = await pipeline.RunAsync(new LabelingJob<string>(youtube.Task, youtube.Items) { SeedSet = seed });

        // A flawless heuristic's 95% Wilson bound is n / (n + 1.645²): 16 matches reach HAM's floor 0.7 + 0.5 * 0.3 = 0.85, 6 SPAM's 0.65.
        Assert.Contains(
            "The offline synthesizer wrote no program: 10 seed labels (7 HAM, 3 SPAM) are too few for any heuristic to be shown precise. " +
            "A heuristic right on every seed item it matches must match at least 16 HAM items (floor 0.85), 6 SPAM items (floor 0.65) for the 95% lower bound on its precision to reach its class's floor. " +
            "Label more items (about 100, with every class among them), or add an LLM synthesizer, which writes programs from the task description alone.",
            run.Warnings);
    }

    [Fact]
    public async Task RunAsync_OfflineSynthesizerFindsNothingAmongEnoughSeedLabels_SaysNoneWasPreciseEnough()
    {
        // Every heuristic must hold on 99% of the unlabeled sample: none does, although the seed labels would allow one.
        var pipeline = new LabelingPipeline(
            [new OfflineProgramSynthesizer(new OfflineSynthesizerOptions { MinimumUnlabeledCoverage = 0.99 })],
            new LabelingPipelineOptions { DirectLabelingModel = null });

        LabelingRun run = await pipeline.RunAsync(PipelineTestData.YouTubeJob());

        Assert.Empty(run.Programs);
        Assert.Contains(run.Warnings, w => w.StartsWith("The offline synthesizer wrote no program: no heuristic it mined from the 120 seed labels (", StringComparison.Ordinal));
    }
}
