using Alchemist.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Tests.Pipeline;

/// <summary>A run is an object of its own: one singleton pipeline serves many runs, and each reports exactly what it did.</summary>
public class RunIsolationTests
{
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

    private const string CheckProgram = """
        public static class Check
        {
            public static int Label(string item) => item.Contains("check", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    private const string BrokenProgram = """
        public static class Broken
        {
            public static int Label(string item) => undefinedName ? 1 : -1;
        }
        """;

    [Fact]
    public async Task SingletonPipeline_SequentialRuns_EachReportsOnlyItsOwnCalls()
    {
        using var chat = new ScriptedChatClient("gpt-4o-mini");
        for (int i = 0; i < 4; i++)
        {
            chat.Reply(Code(i % 2 == 0 ? SubscribeProgram : SongProgram), inputTokens: 1_000, outputTokens: 100);
        }

        using ServiceProvider provider = Services(chat).BuildServiceProvider();
        LabelingPipeline pipeline = provider.GetRequiredService<LabelingPipeline>();

        LabelingRun first = await pipeline.RunAsync(SmallJob("first"));
        LabelingRun second = await pipeline.RunAsync(SmallJob("second"));

        Assert.Equal(4, chat.Requests.Count);
        Assert.Equal((2, 2_000L, 200L), (first.SynthesisCost.Calls, first.SynthesisCost.InputTokens, first.SynthesisCost.OutputTokens));
        Assert.Equal((2, 2_000L, 200L), (second.SynthesisCost.Calls, second.SynthesisCost.InputTokens, second.SynthesisCost.OutputTokens));
        Assert.Equal(2, second.SynthesisAttempts.Count);
        Assert.Equal(first.SynthesisCost.CostUsd, second.SynthesisCost.CostUsd);
        // The singleton ledger is the scopes' parent: it totals every run.
        Assert.Equal(4, provider.GetRequiredService<CostLedger>().GetSummary().Calls);
    }

    [Fact]
    public async Task SingletonPipeline_ConcurrentRuns_EachReportsOnlyItsOwnCalls()
    {
        // Every call waits until both runs have a call in flight, so the runs overlap for sure. A run's calls are told
        // apart by its task's description, and priced differently: 1,000 input tokens for run A, 10 for run B.
        bool sawA = false, sawB = false;
        var bothInFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        using var chat = new ScriptedChatClient("gpt-4o-mini");
        for (int i = 0; i < 4; i++)
        {
            int call = i;
            chat.Reply(async (request, cancellationToken) =>
            {
                bool isA = request.AllText.Contains("Run A", StringComparison.Ordinal);
                lock (gate)
                {
                    sawA |= isA;
                    sawB |= !isA;
                    if (sawA && sawB)
                    {
                        bothInFlight.TrySetResult();
                    }
                }

                await bothInFlight.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                return chat.CreateResponse(Code(call % 2 == 0 ? SubscribeProgram : SongProgram), inputTokens: isA ? 1_000 : 10, outputTokens: isA ? 100 : 1);
            });
        }

        using ServiceProvider provider = Services(chat).BuildServiceProvider();
        LabelingPipeline pipeline = provider.GetRequiredService<LabelingPipeline>();

        LabelingRun[] runs = await Task.WhenAll(
            Task.Run(() => pipeline.RunAsync(SmallJob("a", "Run A: is a YouTube comment spam?"))),
            Task.Run(() => pipeline.RunAsync(SmallJob("b", "Run B: is a YouTube comment spam?"))));

        Assert.Equal(4, chat.Requests.Count);
        Assert.Equal((2, 2_000L, 200L), (runs[0].SynthesisCost.Calls, runs[0].SynthesisCost.InputTokens, runs[0].SynthesisCost.OutputTokens));
        Assert.Equal((2, 20L, 2L), (runs[1].SynthesisCost.Calls, runs[1].SynthesisCost.InputTokens, runs[1].SynthesisCost.OutputTokens));
        Assert.All(runs[0].SynthesisAttempts, a => Assert.Equal(1_000, a.InputTokens));
        Assert.All(runs[1].SynthesisAttempts, a => Assert.Equal(10, a.InputTokens));
        Assert.Equal(4, provider.GetRequiredService<CostLedger>().GetSummary().Calls);
    }

    [Fact]
    public async Task RunAsync_EachDistinctProgramIsCompiledOncePerRun()
    {
        // Round 1: slot 0 writes Subscribe; slot 1 writes a program that does not compile, is sent back for repair and
        // writes Subscribe again (same source, another name). The feedback round writes Check twice. Beside them, a fixed
        // synthesizer brings Song. Self-repair validation, the feedback round's gating and the final gate all use these
        // programs; four distinct sources (Subscribe, Broken, Check, Song), so four compilations.
        using var chat = new ScriptedChatClient("gpt-4o-mini")
            .Reply(Code(SubscribeProgram))
            .Reply(Code(BrokenProgram))
            .Reply(Code(SubscribeProgram))
            .Reply(Code(CheckProgram))
            .Reply(Code(CheckProgram));
        var pipeline = new LabelingPipeline(
            [new PipelineTestData.FixedSynthesizer(("song", SongProgram)), new ChatProgramSynthesizer(chat, new ChatSynthesizerOptions { MaxConcurrency = 1, MaxRepairs = 1 })],
            new LabelingPipelineOptions { LabelModel = "majority", ProgramsPerSynthesizer = 2, FeedbackRounds = 1, DirectLabelingModel = null, SeedModelVoter = false, ScoreSeedOnlyBaseline = false });

        LabelingRun run = await pipeline.RunAsync(SmallJob("compile-once"));

        Assert.Equal(5, chat.Requests.Count);
        string[] candidates = [.. run.Programs.Select(p => p.Program.ContentHash)];
        Assert.Equal(["llm-000", "llm-001-r1", "llm-r2-000", "llm-r2-001", "song"], run.Programs.Select(p => p.Name));
        int distinct = run.SynthesisAttempts.Where(a => a.Program is not null).Select(a => a.Program!.ContentHash).Concat(candidates).Distinct().Count();
        Assert.Equal(4, distinct);
        Assert.Equal(distinct, run.ProgramsCompiled);
        Assert.Contains(run.SynthesisAttempts, a => a.Outcome == SynthesisOutcome.FailedValidation);
        Assert.Equal(GateDropReason.Duplicate, Assert.Single(run.Programs, p => p.Program.Name == "llm-001-r1").DropReason);
    }

    [Fact]
    public async Task RunAsync_OptionsChangedDuringARun_DoNotChangeThatRun()
    {
        var options = new LabelingPipelineOptions { LabelModel = "majority", DirectLabelingModel = null, SeedModelVoter = false, ScoreSeedOnlyBaseline = false, Seed = 5 };
        var synthesizer = new ChangingSynthesizer(() => options.Seed = 99, SubscribeProgram);
        var pipeline = new LabelingPipeline([synthesizer], options);

        LabelingRun run = await pipeline.RunAsync(SmallJob("snapshot"));

        Assert.Equal(99, options.Seed);
        Assert.Equal(5, run.Seed);
    }

    private static IServiceCollection Services(IChatClient chat)
    {
        var services = new ServiceCollection();
        services.AddAlchemist(o => { o.LabelModel = "majority"; o.UseOfflineSynthesizer = false; })
            .UseChatClient(_ => chat)
            .ConfigureSynthesis(o => o.Prices["gpt-4o-mini"] = new ModelPrice(0.15m, 0.60m))
            .ConfigurePipeline(o =>
            {
                o.ProgramsPerSynthesizer = 2;
                o.FeedbackRounds = 0;
                o.DirectLabelingModel = null;
                o.SeedModelVoter = false;
                o.ScoreSeedOnlyBaseline = false;
            });
        return services;
    }

    /// <summary>A small labeling job: 200 YouTube train comments, the dev split as seed labels.</summary>
    internal static LabelingJob<string> SmallJob(string name, string? description = null)
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        return new LabelingJob<string>(new LabelingTask(name, description ?? youtube.Task.Description, youtube.Task.ClassNames), [.. youtube.Items.Take(200)])
        {
            SeedSet = youtube.SeedSet,
        };
    }

    private static string Code(string source) => "```csharp\n" + source + "\n```";

    /// <summary>A synthesizer that changes the pipeline's options while the run is under way, then emits a program.</summary>
    private sealed class ChangingSynthesizer(Action change, string source) : IProgramSynthesizer
    {
        public string Name => "changing";

        public async IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            change();
            yield return new LabelingProgram("changing-000", source, new ProgramProvenance { Synthesizer = Name });
        }
    }
}
