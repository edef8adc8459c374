using Alchemist.Cli.Llm;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Alchemist.Cli.Tests.Llm;

/// <summary>
/// The real SDK clients the CLI creates (OpenAI, Azure OpenAI, OllamaSharp) against a loopback fake server, behind the
/// resilient client and the chat synthesizer, on a fake clock: every wait and timeout is observed by advancing the
/// clock, never by sleeping, so a 12 s <c>Retry-After</c> costs no real time. Each test's traffic is a handful of
/// requests to 127.0.0.1.
/// </summary>
public class ProviderResilienceTests
{
    public static TheoryData<FakeApi> Apis => [FakeApi.OpenAI, FakeApi.Azure, FakeApi.Ollama];

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task RateLimited_RetryAfter12_IsWaitedOnTheClock_ThenTheProgramIsKept(FakeApi api)
    {
        await using var server = FakeLlmServer.Start(api, FakeStep.Status(429, retryAfter: "12"), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut), 800, 90));
        var time = new RecordingTimeProvider();
        using Harness harness = Harness.Create(api, server, time, new ChatResilienceOptions());

        Task<List<LabelingProgram>> synthesis = harness.SynthesizeAsync(programs: 1);
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(12)));   // the client waits the 12 s asked for
        await AdvanceAsync(time, TimeSpan.FromSeconds(11.9));
        Assert.Single(server.Requests);                     // not a moment before the 12 s are over
        await AdvanceAsync(time, TimeSpan.FromSeconds(0.1));

        LabelingProgram program = Assert.Single(await synthesis.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("llm-000", program.Name);
        Assert.Equal((800L, 90L), (program.Provenance.InputTokens!.Value, program.Provenance.OutputTokens!.Value));
        Assert.Equal(2, server.Requests.Count);
        CostEntry entry = Assert.Single(harness.Synthesizer.Ledger.Entries);
        Assert.Equal((1, 0, TimeSpan.FromSeconds(12), false), (entry.Retries, entry.Timeouts, entry.RetryDelay, entry.Failed));
        Assert.Equal(1, Assert.Single(harness.Log.Attempts).Retries);
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task ServerErrors_AreRetriedWithBackoff_ThenTheProgramIsKept(FakeApi api)
    {
        await using var server = FakeLlmServer.Start(api, FakeStep.Status(500), FakeStep.Status(503), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)));
        var time = new RecordingTimeProvider();
        var options = new ChatResilienceOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5) };
        using Harness harness = Harness.Create(api, server, time, options);

        Task<List<LabelingProgram>> synthesis = harness.SynthesizeAsync(programs: 1);
        for (int retry = 1; retry <= 2; retry++)
        {
            // A backoff timer (any timer but an attempt's timeout), at most MaxDelay; no request until the clock reaches it.
            await time.WaitForTimersAsync(waits => waits.Count(w => w > TimeSpan.Zero && w != options.AttemptTimeout) == retry);
            Assert.InRange(time.Waits.Last(w => w > TimeSpan.Zero && w != options.AttemptTimeout), TimeSpan.FromMilliseconds(1), options.MaxDelay);
            await Task.Delay(50);
            Assert.Equal(retry, server.Requests.Count);
            await AdvanceAsync(time, options.MaxDelay);
        }

        Assert.Single(await synthesis.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(3, server.Requests.Count);
        CostEntry entry = Assert.Single(harness.Synthesizer.Ledger.Entries);
        Assert.Equal((2, 0), (entry.Retries, entry.Timeouts));
        Assert.InRange(entry.RetryDelay, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task HungServer_TheAttemptTimesOutOnTheClock_AndTheRetryKeepsTheProgram(FakeApi api)
    {
        await using var server = FakeLlmServer.Start(api, FakeStep.Hang(), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)));
        var time = new RecordingTimeProvider();
        var options = new ChatResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(30), BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5) };
        using Harness harness = Harness.Create(api, server, time, options);

        Task<List<LabelingProgram>> synthesis = harness.SynthesizeAsync(programs: 1);
        await WaitUntilAsync(() => server.Requests.Count == 1);
        await AdvanceAsync(time, TimeSpan.FromSeconds(29));
        Assert.Single(server.Requests);                     // still waiting on the hung request
        await AdvanceAsync(time, TimeSpan.FromSeconds(1));  // our timeout, not the SDK's (100 s) nor HttpClient's
        await time.WaitForTimersAsync(waits => waits.Any(w => w > TimeSpan.Zero && w != options.AttemptTimeout));
        await AdvanceAsync(time, options.MaxDelay);

        Assert.Single(await synthesis.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, server.Requests.Count);
        CostEntry entry = Assert.Single(harness.Synthesizer.Ledger.Entries);
        Assert.Equal((1, 1), (entry.Retries, entry.Timeouts));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task ReplyWithoutCode_GetsOneRepairPrompt_AndTheProgramOfTheAnswerIsKept(FakeApi api)
    {
        await using var server = FakeLlmServer.Start(api, FakeStep.Reply("As an AI model, I think spam is bad."), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)));
        using Harness harness = Harness.Create(api, server, new FakeTimeProvider(), new ChatResilienceOptions());

        LabelingProgram program = Assert.Single(await harness.SynthesizeAsync(programs: 1));

        Assert.Equal("llm-000-r1", program.Name);
        Assert.Equal(2, server.Requests.Count);
        Assert.StartsWith("Your reply holds no program: The reply has no code block;", server.Requests[1].LastMessage, StringComparison.Ordinal);
        Assert.Equal([SynthesisOutcome.RejectedReply, SynthesisOutcome.Accepted], harness.Log.GetOrderedAttempts().Select(a => a.Outcome));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task BodyThatIsNotJson_FailsThatSlotOnly_WithoutRetries(FakeApi api)
    {
        await using var server = FakeLlmServer.Start(api, FakeStep.Garbage(), FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)));
        using Harness harness = Harness.Create(api, server, new FakeTimeProvider(), new ChatResilienceOptions(), concurrency: 1);

        LabelingProgram program = Assert.Single(await harness.SynthesizeAsync(programs: 2));

        Assert.Equal("llm-001", program.Name);
        Assert.Equal(2, server.Requests.Count);            // a malformed answer is not transient: no retry
        CostSummary cost = harness.Synthesizer.Ledger.GetSummary();
        Assert.Equal((2, 1, 0), (cost.Calls, cost.FailedCalls, cost.Retries));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task MidRunFailure_TheProgramsFinishedBeforeItAreKept(FakeApi api)
    {
        string[] programs = [FakePrograms.CheckOut, FakePrograms.Subscribe];
        await using var server = FakeLlmServer.Start(api, FakeStep.Reply(FakePrograms.Fenced(programs[0])), FakeStep.Reply(FakePrograms.Fenced(programs[1])), FakeStep.Status(500));
        using Harness harness = Harness.Create(api, server, new FakeTimeProvider(), new ChatResilienceOptions { MaxRetries = 0 }, concurrency: 1);

        List<LabelingProgram> kept = await harness.SynthesizeAsync(programs: 4);

        Assert.Equal(["llm-000", "llm-001"], kept.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(programs.Select(p => p + "\n"), kept.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Source));
        Assert.Equal(4, server.Requests.Count);
        CostSummary cost = harness.Synthesizer.Ledger.GetSummary();
        Assert.Equal((4, 2), (cost.Calls, cost.FailedCalls));
        Assert.All(
            harness.Log.GetOrderedAttempts().Where(a => a.Outcome == SynthesisOutcome.CallFailed),
            a => Assert.Contains("500", a.Message, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task RateLimitedWithoutRetryAfter_NeverOpensTheCircuit(FakeApi api)
    {
        await using var server = FakeLlmServer.Start(api, FakeStep.Status(429));
        var options = new ChatResilienceOptions { MaxRetries = 0, CircuitBreakerMinimumThroughput = 2 };
        using Harness harness = Harness.Create(api, server, new FakeTimeProvider(), options, concurrency: 1);

        Assert.Empty(await harness.SynthesizeAsync(programs: 4));

        Assert.Equal(4, server.Requests.Count);             // every call reached the provider: throttling is not an outage
        Assert.All(harness.Log.Attempts, a => Assert.Contains("429 (Too Many Requests) from http://127.0.0.1:", a.Message, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task ConnectionRefused_EveryCallFailsNamingTheAddress_AndTheCircuitStopsTheRest(FakeApi api)
    {
        int port = FakeLlmServer.ClosedPort();
        Dictionary<string, string?> environment = FakeLlmServer.EnvironmentFor(api, port);
        var options = new ChatResilienceOptions { MaxRetries = 0, CircuitBreakerMinimumThroughput = 3 };
        using Harness harness = Harness.Create(api, environment, new FakeTimeProvider(), options, concurrency: 1);

        Assert.Empty(await harness.SynthesizeAsync(programs: 5));

        CostSummary cost = harness.Synthesizer.Ledger.GetSummary();
        Assert.Equal((5, 5), (cost.Calls, cost.FailedCalls));
        IReadOnlyList<SynthesisAttempt> attempts = harness.Log.GetOrderedAttempts();
        Assert.All(attempts, a => Assert.Contains($"Connection refused (127.0.0.1:{port})", a.Message, StringComparison.Ordinal));
        Assert.Equal([false, false, false, true, true], attempts.Select(a => a.Message.Contains("the circuit is open", StringComparison.Ordinal)));
    }

    /// <summary>Advances the clock, letting the continuations of the timers it fires run first and after.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan by)
    {
        await Task.Delay(50);
        time.Advance(by);
        await Task.Delay(50);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, bound.Token);
        }
    }

    /// <summary>The CLI's client for an API, the resilient client and the chat synthesizer, all on one clock.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly IChatClient _client;

        private Harness(IChatClient client, ChatProgramSynthesizer synthesizer)
        {
            _client = client;
            Synthesizer = synthesizer;
        }

        public ChatProgramSynthesizer Synthesizer { get; }

        public SynthesisLog Log { get; } = new();

        public static Harness Create(FakeApi api, FakeLlmServer server, TimeProvider time, ChatResilienceOptions options, int concurrency = 4) =>
            Create(api, server.Environment(), time, options, concurrency);

        public static Harness Create(FakeApi api, Dictionary<string, string?> environment, TimeProvider time, ChatResilienceOptions options, int concurrency = 4)
        {
            string spec = api switch
            {
                FakeApi.OpenAI => "openai:gpt-fake",
                FakeApi.Azure => "azure:labeler",
                _ => "ollama:llama-fake",
            };
            options.ShouldRetry = ChatClientFactory.IsTransient;
            IChatClient provider = ChatClientFactory.Create(spec, name => environment.GetValueOrDefault(name), time);
            var client = new ResilientChatClient(provider, options, time);
            var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxConcurrency = concurrency }, timeProvider: time);
            return new Harness(client, synthesizer);
        }

        public async Task<List<LabelingProgram>> SynthesizeAsync(int programs)
        {
            var request = new SynthesisRequest<string>(FakePrograms.Task) { ProgramCount = programs, Log = Log };
            var result = new List<LabelingProgram>();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (LabelingProgram program in Synthesizer.SynthesizeAsync(request, bound.Token))
            {
                result.Add(program);
            }

            return result;
        }

        public void Dispose() => _client.Dispose();
    }
}

/// <summary>Programs the fake servers answer with: each keeps on the YouTube data.</summary>
internal static class FakePrograms
{
    public const string CheckOut = "using System;\n\npublic static class CheckOut\n{\n    public static int Label(string item) => item.Contains(\"check out\", StringComparison.OrdinalIgnoreCase) ? 1 : -1;\n}";
    public const string Subscribe = "using System;\n\npublic static class Subscribe\n{\n    public static int Label(string item) => item.Contains(\"subscribe\", StringComparison.OrdinalIgnoreCase) ? 1 : -1;\n}";
    public const string Links = "using System.Text.RegularExpressions;\n\npublic static class Links\n{\n    private static readonly Regex LinkPattern = new(@\"https?://|www\\.\", RegexOptions.IgnoreCase);\n\n    public static int Label(string item) => LinkPattern.IsMatch(item) ? 1 : -1;\n}";

    public static LabelingTask Task { get; } = new("youtube-spam", "Is a YouTube comment spam?", ["ham", "spam"]);

    public static string Fenced(string code) => $"Here is a program.\n```csharp\n{code}\n```";
}
