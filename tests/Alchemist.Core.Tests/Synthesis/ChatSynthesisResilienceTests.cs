using System.Net;
using Alchemist.Testing;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.AI;
using static Alchemist.Tests.Synthesis.SynthesisTestData;

namespace Alchemist.Tests.Synthesis;

/// <summary>The synthesizer with the resilient client in its pipeline: retries and timeouts reach the ledger and the log, failed calls are recorded, and the deadline keeps what was done.</summary>
public class ChatSynthesisResilienceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ledger_RecordsTheRetriesOfAnsweredCalls_AndFailedCallsWithTheirs()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient("gpt-test")
            .Throw(ResilientChatClientTests.Throttled(TimeSpan.FromSeconds(4)))                // slot 0: throttled once...
            .Reply(Fenced(GoodProgram), 100, 10)                                                  // ...then answered
            .Throw(new HttpRequestException("bad key", null, HttpStatusCode.Unauthorized));      // slot 1: fails for good
        var options = new ChatSynthesizerOptions { MaxConcurrency = 1 };
        options.Prices["gpt-test"] = new ModelPrice(1m, 1m);
        using var client = new ResilientChatClient(inner, new ChatResilienceOptions { UseCircuitBreaker = false }, time);
        var synthesizer = new ChatProgramSynthesizer(client, options, timeProvider: time);
        var log = new SynthesisLog();

        Task<List<LabelingProgram>> synthesis = synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 2, Log = log }).ToListAsync().AsTask();
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(4)));
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(["llm-000"], (await synthesis.WaitAsync(Bound)).Select(p => p.Name));
        Assert.Collection(
            synthesizer.Ledger.Entries,
            answered => Assert.Equal((false, 1, 0, TimeSpan.FromSeconds(4), 100L, 0.00011m), (answered.Failed, answered.Retries, answered.Timeouts, answered.RetryDelay, answered.InputTokens, answered.CostUsd!.Value)),
            failed => Assert.Equal((true, 0, 0L, 0m, "gpt-test"), (failed.Failed, failed.Retries, failed.InputTokens, failed.CostUsd!.Value, failed.ModelId)));
        CostSummary summary = synthesizer.Ledger.GetSummary();
        Assert.Equal((2, 1, 1, 0, TimeSpan.FromSeconds(4), 0, true), (summary.Calls, summary.FailedCalls, summary.Retries, summary.Timeouts, summary.RetryDelay, summary.CallsWithoutUsage, summary.IsComplete));

        IReadOnlyList<SynthesisAttempt> attempts = log.GetOrderedAttempts();
        Assert.Equal((SynthesisOutcome.Accepted, 1), (attempts[0].Outcome, attempts[0].Retries));
        Assert.Equal(SynthesisOutcome.CallFailed, attempts[1].Outcome);
        Assert.Equal("The call failed after 1 attempt: HttpRequestException: bad key; this slot produced no program.", attempts[1].Message);
        Assert.Null(attempts[1].CostUsd);
    }

    [Fact]
    public async Task Deadline_StopsTheSlotsInFlight_RecordsTheRest_AndKeepsTheProgramsDone()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient()
            .Reply(Fenced(GoodProgram))
            .Reply(async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new ChatResponse();
            });
        var options = new ChatSynthesizerOptions { MaxConcurrency = 1, Deadline = TimeSpan.FromMinutes(5) };
        var synthesizer = new ChatProgramSynthesizer(inner, options, timeProvider: time);
        var log = new SynthesisLog();

        Task<List<LabelingProgram>> synthesis = synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 3, Log = log }).ToListAsync().AsTask();
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 2);   // slot 0 answered, slot 1 hangs
        time.Advance(TimeSpan.FromMinutes(5));
        List<LabelingProgram> programs = await synthesis.WaitAsync(Bound);

        Assert.Equal(["llm-000"], programs.Select(p => p.Name));
        Assert.Equal(
            [
                (0, SynthesisOutcome.Accepted, "Accepted."),
                (1, SynthesisOutcome.CallFailed, "The synthesis deadline of 00:05:00 passed during the call; this slot produced no program."),
                (2, SynthesisOutcome.CallFailed, "The synthesis deadline of 00:05:00 passed before this slot started; it made no call."),
            ],
            log.GetOrderedAttempts().Select(a => (a.Slot!.Value, a.Outcome, a.Message)));
        Assert.Equal(2, inner.Requests.Count);
        Assert.Equal((2, 1), (synthesizer.Ledger.GetSummary().Calls, synthesizer.Ledger.GetSummary().FailedCalls));
    }

    [Fact]
    public void Options_InvalidDeadline_IsNamed() =>
        OptionsAssert.Rejects(() => new ChatProgramSynthesizer(new ScriptedChatClient(), new ChatSynthesizerOptions { Deadline = TimeSpan.Zero }), "Deadline");
}
