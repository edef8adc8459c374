using Alchemist.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static Alchemist.Tests.Synthesis.SynthesisTestData;

namespace Alchemist.Tests.Synthesis;

public class ChatProgramSynthesizerTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ctor_NullChatClient_Throws() =>
        Assert.Throws<ArgumentNullException>("chatClient", () => new ChatProgramSynthesizer(null!));

    [Fact]
    public void Ctor_InvalidOptions_ThrowsListingEveryProblem()
    {
        var options = new ChatSynthesizerOptions { MaxConcurrency = 0, MaxRepairs = 11 };
        ArgumentException ex = OptionsAssert.Rejects(() => new ChatProgramSynthesizer(new ScriptedChatClient(), options), "MaxConcurrency", "MaxRepairs");
        Assert.StartsWith("The ChatSynthesizerOptions are not valid: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SynthesizeAsync_NullRequest_ThrowsAtTheCall() =>
        Assert.Throws<ArgumentNullException>("request", () => new ChatProgramSynthesizer(new ScriptedChatClient()).SynthesizeAsync<string>(null!));

    [Fact]
    public async Task SynthesizeAsync_GoodReply_YieldsProgramWithFullProvenance()
    {
        var client = new ScriptedChatClient("gpt-test").Reply(Fenced(GoodProgram), inputTokens: 1_000, outputTokens: 200);
        var time = new FakeTimeProvider(Start);
        var options = new ChatSynthesizerOptions();
        options.Prices["gpt-test"] = new ModelPrice(3m, 15m);
        var synthesizer = new ChatProgramSynthesizer(client, options, timeProvider: time);
        var log = new SynthesisLog();

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log }).ToListAsync();

        LabelingProgram program = Assert.Single(programs);
        Assert.Equal("llm-000", program.Name);
        Assert.Equal(GoodProgram + "\n", program.Source);
        ScriptedChatRequest request = Assert.Single(client.Requests);
        Assert.Equal(
            new ProgramProvenance
            {
                Synthesizer = "chat",
                ModelId = "gpt-test",
                PromptHash = PromptHash.Compute(request.Messages),
                InputTokens = 1_000,
                OutputTokens = 200,
                CostUsd = 0.006m, // 1000 * 3e-6 + 200 * 15e-6
                Temperature = 0.2f,
                CreatedAt = Start,
                Duration = TimeSpan.Zero,
                ParentHash = null,
                RepairAttempt = 0,
                Description = "Slot 0: focus on class 'ham' (0); 0 labeled examples shown.",
            },
            program.Provenance);
        Assert.Equal(0.006m, synthesizer.Ledger.GetSummary().CostUsd);
        SynthesisAttempt attempt = Assert.Single(log.Attempts);
        Assert.Equal(SynthesisOutcome.Accepted, attempt.Outcome);
        Assert.Same(program, attempt.Program);
        Assert.Equal((1_000L, 200L, 0.006m), (attempt.InputTokens, attempt.OutputTokens, attempt.CostUsd));
    }

    [Fact]
    public async Task SynthesizeAsync_SendsSystemAndUserPromptWithOptions()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram));
        var options = new ChatSynthesizerOptions { ModelId = "my-model", MaxOutputTokens = 800 };
        var synthesizer = new ChatProgramSynthesizer(client, options);

        await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Examples = Examples }).ToListAsync();

        ScriptedChatRequest request = Assert.Single(client.Requests);
        Assert.Equal([ChatRole.System, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Contains("public static int Label(string item)", request.SystemText, StringComparison.Ordinal);
        Assert.Contains("  1 = spam", request.LastUserText, StringComparison.Ordinal);
        Assert.Contains("- [spam (1)] \"Check out my channel!\"", request.LastUserText, StringComparison.Ordinal);
        Assert.Equal(("my-model", 800, 0.2f), (request.Options!.ModelId, request.Options.MaxOutputTokens, request.Options.Temperature));
    }

    [Fact]
    public async Task SynthesizeAsync_ReplyWithoutCode_IsRejectedAndTheSlotAsksOnceForTheBlock()
    {
        var client = new ScriptedChatClient()
            .Reply("I would rather not write code today.", 500, 12)
            .Reply("Still no code.", 600, 5);
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxRepairs = 2 });
        var log = new SynthesisLog();

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log, Validator = new MarkerValidator() }).ToListAsync();

        Assert.Empty(programs);
        Assert.Collection(
            log.GetOrderedAttempts(),
            first =>
            {
                Assert.Equal((SynthesisOutcome.RejectedReply, "llm-000"), (first.Outcome, first.ProgramName));
                Assert.Equal("The reply has no code block; a program must come in a ```csharp fenced block. The reply is not a program; the slot asks once more for the program in a C# code block.", first.Message);
                Assert.Null(first.Program);
                Assert.Equal((500L, 12L), (first.InputTokens, first.OutputTokens));
            },
            second =>
            {
                Assert.Equal((SynthesisOutcome.RejectedReply, "llm-000-r1"), (second.Outcome, second.ProgramName));
                Assert.EndsWith("The reply is not a program, and the slot had already asked for the block once, so it produced no program.", second.Message, StringComparison.Ordinal);
            });

        // One follow-up only, whatever MaxRepairs allows: the reply and a request for the block, in the same conversation.
        Assert.Equal(2, client.Requests.Count);
        ScriptedChatRequest followUp = client.Requests[1];
        Assert.Equal("I would rather not write code today.", followUp.Messages[^2].Text);
        Assert.Equal(
            "Your reply holds no program: The reply has no code block; a program must come in a ```csharp fenced block. Reply with the whole program (one class with the Label method) in one ```csharp code block.\n",
            followUp.LastUserText);
        Assert.Equal(1_100, synthesizer.Ledger.GetSummary().InputTokens);
    }

    [Fact]
    public async Task SynthesizeAsync_ReplyWithoutCode_ThenAProgram_KeepsItAndLeavesTheRepairsWhole()
    {
        var client = new ScriptedChatClient()
            .Reply("Sure! I will think about spam.", 50, 5)
            .Reply(Fenced(BrokenProgram), 60, 6)
            .Reply(Fenced(GoodProgram), 70, 7);
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxRepairs = 1 });
        var log = new SynthesisLog();

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log, Validator = new MarkerValidator() }).ToListAsync();

        // The request for the block is not one of the MaxRepairs: the program it brought could still be repaired once.
        LabelingProgram program = Assert.Single(programs);
        Assert.Equal(("llm-000-r2", 2), (program.Name, program.Provenance.RepairAttempt));
        Assert.Equal(
            [SynthesisOutcome.RejectedReply, SynthesisOutcome.FailedValidation, SynthesisOutcome.Accepted],
            log.GetOrderedAttempts().Select(a => a.Outcome));
        Assert.Equal(
            "Failed validation with 1 problem(s); sent back for repair 1 of 1.",
            log.GetOrderedAttempts()[1].Message);
        Assert.StartsWith("Your reply holds no program:", client.Requests[1].LastUserText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_FailingProgram_IsSentBackWithExactMessagesAndRepaired()
    {
        var client = new ScriptedChatClient().Reply(Fenced(BrokenProgram), 100, 50).Reply(Fenced(GoodProgram), 300, 60);
        var synthesizer = new ChatProgramSynthesizer(client);
        var log = new SynthesisLog();
        var validator = new MarkerValidator();

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log, Validator = validator }).ToListAsync();

        LabelingProgram repaired = Assert.Single(programs);
        LabelingProgram broken = validator.Seen[0];
        Assert.Equal("llm-000", broken.Name);
        Assert.Equal("llm-000-r1", repaired.Name);
        Assert.Equal(broken.ContentHash, repaired.Provenance.ParentHash);
        Assert.Equal(1, repaired.Provenance.RepairAttempt);
        Assert.Equal((300L, 60L), (repaired.Provenance.InputTokens, repaired.Provenance.OutputTokens));

        // The repair call continues the conversation: the rejected reply, then the exact problems.
        ScriptedChatRequest repair = client.Requests[1];
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], repair.Messages.Select(m => m.Role));
        Assert.Equal(client.Requests[0].Messages[1].Text, repair.Messages[1].Text);
        Assert.Equal(Fenced(BrokenProgram), repair.Messages[2].Text);
        Assert.Contains("- line 3, column 45: [CS0103] The name 'undefinedThing' does not exist in the current context\n", repair.LastUserText, StringComparison.Ordinal);

        Assert.Collection(
            log.GetOrderedAttempts(),
            a =>
            {
                Assert.Equal((SynthesisOutcome.FailedValidation, 0, "llm-000"), (a.Outcome, a.Attempt, a.ProgramName));
                Assert.Equal(["line 3, column 45: [CS0103] The name 'undefinedThing' does not exist in the current context"], a.Problems);
                Assert.Equal("Failed validation with 1 problem(s); sent back for repair 1 of 2.", a.Message);
            },
            a => Assert.Equal((SynthesisOutcome.Accepted, 1, "Accepted after 1 repair(s)."), (a.Outcome, a.Attempt, a.Message)));
        Assert.Equal(["program", "repair"], synthesizer.Ledger.Entries.Select(e => e.Purpose));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SynthesizeAsync_ProgramThatNeverPasses_StopsAfterMaxRepairs(int maxRepairs)
    {
        var client = new ScriptedChatClient();
        for (int i = 0; i < maxRepairs + 2; i++)
        {
            client.Reply(Fenced(BrokenProgram.Replace("Broken", "Broken" + i, StringComparison.Ordinal)));
        }

        var log = new SynthesisLog();
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxRepairs = maxRepairs });

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log, Validator = new MarkerValidator() }).ToListAsync();

        Assert.Empty(programs);
        Assert.Equal(maxRepairs + 1, client.Requests.Count);
        Assert.Equal(1, client.RemainingSteps);
        Assert.All(log.Attempts, a => Assert.Equal(SynthesisOutcome.FailedValidation, a.Outcome));
        Assert.Equal(
            $"Failed validation with 1 problem(s); no repairs left ({maxRepairs} allowed), so this slot produced no program.",
            log.GetOrderedAttempts()[^1].Message);
    }

    [Fact]
    public async Task SynthesizeAsync_FailedCall_CostsThatProgramOnly()
    {
        var client = new ScriptedChatClient()
            .Reply(Fenced(GoodProgram), 10, 1)
            .Reply(Fenced(GoodProgram.Replace("check out", "subscribe", StringComparison.Ordinal)), 10, 1)
            .ThrowOnCall(2, new HttpRequestException("Service unavailable", null, System.Net.HttpStatusCode.ServiceUnavailable));
        var log = new SynthesisLog();
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxConcurrency = 1 });

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 3, Log = log }).ToListAsync();

        Assert.Equal(["llm-000", "llm-002"], programs.Select(p => p.Name).Order(StringComparer.Ordinal));
        SynthesisAttempt failed = Assert.Single(log.Attempts, a => a.Outcome == SynthesisOutcome.CallFailed);
        Assert.Equal(1, failed.Slot);
        Assert.Equal("The call failed (HttpRequestException: Service unavailable); this slot produced no program.", failed.Message);
        CostSummary summary = synthesizer.Ledger.GetSummary();
        Assert.Equal((3, 1, 20L), (summary.Calls, summary.FailedCalls, summary.InputTokens));
        Assert.Single(synthesizer.Ledger.Entries, e => e.Failed);
    }

    [Fact]
    public async Task SynthesizeAsync_Slots_UseTemperaturesInTurnAndDistinctNames()
    {
        var client = new ScriptedChatClient();
        for (int i = 0; i < 5; i++)
        {
            client.Reply(Fenced(GoodProgram.Replace("CheckOutProgram", "P" + i, StringComparison.Ordinal)));
        }

        var options = new ChatSynthesizerOptions { MaxConcurrency = 1 };
        options.Temperatures.Clear();
        options.Temperatures.Add(0.1f);
        options.Temperatures.Add(0.9f);

        List<LabelingProgram> programs = await new ChatProgramSynthesizer(client, options)
            .SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 5, ProgramNamePrefix = "round2" }).ToListAsync();

        Assert.Equal([0.1f, 0.9f, 0.1f, 0.9f, 0.1f], client.Requests.Select(r => r.Options!.Temperature!.Value));
        Assert.Equal(["round2-000", "round2-001", "round2-002", "round2-003", "round2-004"], programs.Select(p => p.Name));
        Assert.Equal([0.1f, 0.9f, 0.1f, 0.9f, 0.1f], programs.Select(p => p.Provenance.Temperature!.Value));
    }

    [Fact]
    public async Task SynthesizeAsync_NoTemperatures_LeavesTheTemperatureToTheModel()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram));
        var options = new ChatSynthesizerOptions();
        options.Temperatures.Clear();

        LabelingProgram program = Assert.Single(await new ChatProgramSynthesizer(client, options).SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1 }).ToListAsync());

        Assert.Null(client.Requests[0].Options!.Temperature);
        Assert.Null(program.Provenance.Temperature);
    }

    [Fact]
    public async Task SynthesizeAsync_ProgramCountZero_MakesNoCall()
    {
        var client = new ScriptedChatClient();
        Assert.Empty(await new ChatProgramSynthesizer(client).SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 0 }).ToListAsync());
        Assert.Empty(client.Requests);
    }

    [Fact]
    public async Task SynthesizeAsync_GeneratePriorKnowledge_OneSharedCallFirst()
    {
        var client = new ScriptedChatClient()
            .Reply("Spam asks viewers to visit channels or links.", 80, 20)
            .Reply(Fenced(GoodProgram), 10, 1)
            .Reply(Fenced(GoodProgram.Replace("check out", "visit", StringComparison.Ordinal)), 10, 1);
        var log = new SynthesisLog();
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { GeneratePriorKnowledge = true, MaxConcurrency = 1 });

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 2, Log = log }).ToListAsync();

        Assert.Equal(2, programs.Count);
        Assert.Contains("the words, phrases and patterns that signal each one", client.Requests[0].LastUserText, StringComparison.Ordinal);
        Assert.All(client.Requests.Skip(1), r => Assert.Contains("Background knowledge about this task:\nSpam asks viewers to visit channels or links.\n", r.LastUserText, StringComparison.Ordinal));
        SynthesisAttempt first = log.GetOrderedAttempts()[0];
        Assert.Equal((SynthesisOutcome.PriorKnowledge, (int?)null, 80L), (first.Outcome, first.Slot, first.InputTokens));
        Assert.Equal(["prior-knowledge", "program", "program"], synthesizer.Ledger.Entries.Select(e => e.Purpose));
        Assert.Equal(["prior-knowledge", "program", "program"], log.GetOrderedAttempts().Select(a => a.Purpose));
        Assert.Equal(100L, log.InputTokens);
    }

    [Fact]
    public async Task SynthesizeAsync_PriorKnowledgeGiven_MakesNoExtraCall()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram));
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { GeneratePriorKnowledge = true });

        await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, PriorKnowledge = "Links mean spam." }).ToListAsync();

        Assert.Contains("Background knowledge about this task:\nLinks mean spam.\n", Assert.Single(client.Requests).LastUserText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_ValidatorThrows_CountsAsAFailedValidation()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram));
        var log = new SynthesisLog();
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxRepairs = 0 });

        await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log, Validator = new ThrowingValidator() }).ToListAsync();

        SynthesisAttempt attempt = Assert.Single(log.Attempts);
        Assert.Equal(SynthesisOutcome.FailedValidation, attempt.Outcome);
        Assert.Equal(["The validator failed on this program (InvalidOperationException: sandbox exploded)."], attempt.Problems);
    }

    [Fact]
    public async Task SynthesizeAsync_NeverRunsMoreSlotsThanMaxConcurrency()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new ScriptedChatClient();
        for (int i = 0; i < 6; i++)
        {
            int n = i;
            client.Reply(async (request, ct) =>
            {
                await release.Task.WaitAsync(ct);
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, Fenced(GoodProgram.Replace("CheckOutProgram", "P" + n, StringComparison.Ordinal))));
            });
        }

        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxConcurrency = 2 });
        Task<List<LabelingProgram>> run = synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 6 }).ToListAsync().AsTask();

        await WaitUntilAsync(() => client.InFlight == 2);
        await Task.Delay(100); // Give a third slot the chance to start if the limit were broken.
        Assert.Equal(2, client.Requests.Count);

        release.SetResult();
        List<LabelingProgram> programs = await run;
        Assert.Equal(6, programs.Count);
        Assert.Equal(2, client.PeakConcurrency);
    }

    [Fact]
    public async Task SynthesizeAsync_Canceled_ThrowsAndStopsTheCallInFlight()
    {
        var callCanceled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new ScriptedChatClient().Reply(async (request, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                callCanceled.SetResult();
                throw;
            }

            throw new InvalidOperationException("unreachable");
        });
        using var cancellation = new CancellationTokenSource();
        var synthesizer = new ChatProgramSynthesizer(client);
        var log = new SynthesisLog();

        Task<List<LabelingProgram>> run = synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Log = log }, cancellation.Token).ToListAsync(cancellation.Token).AsTask();
        await WaitUntilAsync(() => client.InFlight == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await callCanceled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(log.Attempts);
    }

    [Fact]
    public async Task SynthesizeAsync_ConsumerStopsEarly_CancelsTheSlotsStillRunning()
    {
        var callCanceled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new ScriptedChatClient()
            .Reply(Fenced(GoodProgram))
            .Reply(async (request, ct) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    callCanceled.SetResult();
                    throw;
                }

                throw new InvalidOperationException("unreachable");
            });
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { MaxConcurrency = 2 });

        await foreach (LabelingProgram program in synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 2 }))
        {
            Assert.Equal("llm-000", program.Name);
            break;
        }

        Assert.True(callCanceled.Task.IsCompleted);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private sealed class ThrowingValidator : IProgramValidator
    {
        public ValueTask<ProgramValidation> ValidateAsync(LabelingProgram program, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("sandbox exploded");
    }
}
