using System.Globalization;
using System.Text.RegularExpressions;
using Alchemist.Testing;
using Alchemist.Tests.Shared;
using Alchemist.Tests.ConceptPrograms;
using Alchemist.Tests.Pipeline;
using Microsoft.Extensions.AI;
using static Alchemist.Tests.Synthesis.SynthesisTestData;

namespace Alchemist.Tests.Synthesis;

/// <summary>
/// The chat synthesizer's concept stage: with the run's concept scores it first asks the model for concepts per class,
/// measures them on the seed items, and asks the slots for concept programs over them; a bad reply or a failed call
/// falls back to plain programs and says why; without concept scores nothing changes.
/// </summary>
public partial class ChatConceptStageTests
{
    private const string ConceptReply = """
        Here are the concepts:
        1 | asks people to visit a channel
        1 | check out my channel and subscribe
        0 | talks about the song itself
        """;

    private const string ChannelConceptProgram = """
        public static class ChannelConcept
        {
            private const string Visit = "check out my channel and subscribe";

            public static int Label(string item, Concepts concepts) => concepts[Visit] >= 0.3 ? 1 : -1;
        }
        """;

    [Fact]
    public async Task ConceptStage_IsAskedFirst_NamesTheTaskAndClasses_AndItsConceptsReachTheProgramPrompt()
    {
        var client = new ScriptedChatClient("gpt-test")
            .Reply(ConceptReply, inputTokens: 300, outputTokens: 40)
            .Reply(Fenced(ChannelConceptProgram), inputTokens: 1_000, outputTokens: 200);
        var options = new ChatSynthesizerOptions();
        options.Prices["gpt-test"] = new ModelPrice(3m, 15m);
        var synthesizer = new ChatProgramSynthesizer(client, options);
        var log = new SynthesisLog();
        ConceptScores<string> scores = await ScoresAsync(Examples);

        List<LabelingProgram> programs = await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Examples = Examples, Log = log, Concepts = scores }).ToListAsync();

        // The first call asks for concepts: the task, the classes, the reply format, the limit per class; no program.
        Assert.Equal(2, client.Requests.Count);
        ScriptedChatRequest concepts = client.Requests[0];
        Assert.Contains("Task: youtube-spam\n" + SpamTask.Description, concepts.LastUserText, StringComparison.Ordinal);
        Assert.Contains("Classes:\n  0 = ham\n  1 = spam\n", concepts.LastUserText, StringComparison.Ordinal);
        Assert.Contains("up to 6 short phrases", concepts.LastUserText, StringComparison.Ordinal);
        Assert.Contains("Reply with one concept per line, in the form CLASS_INDEX | phrase", concepts.LastUserText, StringComparison.Ordinal);
        Assert.Contains("- [spam (1)] \"Check out my channel!\"", concepts.LastUserText, StringComparison.Ordinal);
        Assert.DoesNotContain("```csharp", concepts.AllText, StringComparison.Ordinal);

        // The program prompt: the concept signature, the exact Concepts API, and every listed concept with its means on the seed items.
        ScriptedChatRequest program = client.Requests[1];
        Assert.Contains("    public static int Label(string item, Concepts concepts)\n", program.SystemText, StringComparison.Ordinal);
        Assert.Contains("- concepts[\"a phrase\"] is a double", program.SystemText, StringComparison.Ordinal);
        Assert.Contains("- concepts.Prototype(k) is a double", program.SystemText, StringComparison.Ordinal);
        Assert.Contains("- concepts.PrototypeCount is an int", program.SystemText, StringComparison.Ordinal);
        Assert.Contains("This run has prototypes for classes 0, 1;", program.SystemText, StringComparison.Ordinal);
        Assert.Contains("The program declares:\n    public static int Label(string item, Concepts concepts)\n", program.LastUserText, StringComparison.Ordinal);
        Assert.Contains("(ham 3, spam 3 seed items)", program.LastUserText, StringComparison.Ordinal);
        foreach ((int label, string phrase) in new[] { (1, "asks people to visit a channel"), (1, "check out my channel and subscribe"), (0, "talks about the song itself") })
        {
            string shown = $"- [{SpamTask.ClassNames[label]} ({label})] \"{phrase}\": ";
            Assert.Contains(shown, program.LastUserText, StringComparison.Ordinal);

            // The figures are the phrase's mean similarity to each class's seed items, computed here independently.
            Match figures = Figures().Match(program.LastUserText[(program.LastUserText.IndexOf(shown, StringComparison.Ordinal) + shown.Length)..]);
            Assert.True(figures.Success);
            Assert.Equal(MeanSimilarity(phrase, 0), double.Parse(figures.Groups["ham"].Value, CultureInfo.InvariantCulture), 0.0011);
            Assert.Equal(MeanSimilarity(phrase, 1), double.Parse(figures.Groups["spam"].Value, CultureInfo.InvariantCulture), 0.0011);
        }

        Assert.Contains("The mean of concepts.Prototype(k) on the labeled seed items of each class:\n- Prototype(0) (ham): ham ", program.LastUserText, StringComparison.Ordinal);
        Assert.Contains("Use the concept scores: the listed concepts", program.LastUserText, StringComparison.Ordinal);

        // The concept call is in the log and the ledger like every other call.
        LabelingProgram written = Assert.Single(programs);
        Assert.EndsWith("asked for a concept program over 3 listed concepts.", written.Provenance.Description, StringComparison.Ordinal);
        SynthesisAttempt stage = log.GetOrderedAttempts()[0];
        Assert.Equal(((int?)null, SynthesisOutcome.Concepts, 300L, 40L, 0.0015m), (stage.Slot, stage.Outcome, stage.InputTokens, stage.OutputTokens, stage.CostUsd));
        Assert.Equal(["concepts", "program"], log.GetOrderedAttempts().Select(a => a.Purpose));
        Assert.Equal(PromptHash.Compute(concepts.Messages), stage.PromptHash);
        Assert.Equal("Listed 3 concept(s) (1 ham, 2 spam); measured on 6 labeled seed items; every slot is asked for a concept program over them.", stage.Message);
        Assert.Empty(stage.Problems);
        CostSummary cost = synthesizer.Ledger.GetSummary();
        Assert.Equal((2, 1_300L, 240L, 0.0075m), (cost.Calls, cost.InputTokens, cost.OutputTokens, cost.CostUsd));
        Assert.Equal(cost.CostUsd, log.CostUsd);

        // Measuring embedded the phrases into the run's scores, where the program's lookups will find them.
        Assert.Equal(["asks people to visit a channel", "check out my channel and subscribe", "talks about the song itself"], scores.Table.Phrases);
    }

    [Fact]
    public async Task ConceptProgram_WrittenByTheModel_CompilesRunsInThePipelineAndVotes()
    {
        using var client = new ScriptedChatClient("gpt-test")
            .Reply(ConceptReply, inputTokens: 300, outputTokens: 40)
            .Reply(Fenced(ChannelConceptProgram), inputTokens: 1_000, outputTokens: 200);
        var pipeline = new LabelingPipeline([new ChatProgramSynthesizer(client)], new LabelingPipelineOptions
        {
            Isolation = ProgramIsolation.InProcess,
            EmbeddingGenerator = new HashedWordsEmbeddingGenerator(),
            ProgramsPerSynthesizer = 1,
            FeedbackRounds = 0,
            ScoreSeedOnlyBaseline = false,
            SeedModelVoter = false,
            DirectLabelingModel = null,
        });
        LabelingJob<string> job = RunIsolationTests.SmallJob("concept-chat");

        LabelingRun<string> run = await pipeline.RunAsync(job);

        // The program reached the gate through the sandbox and was kept; it votes SPAM where the item is close to the phrase.
        ProgramOutcome outcome = Assert.Single(run.Programs);
        Assert.True(outcome.Kept, string.Join("\n", outcome.Problems));
        Assert.Equal("llm-000", outcome.Program.Name);
        int column = run.Matrix.FunctionNames.ToList().IndexOf("llm-000");
        Assert.True(column >= 0);
        int spamVotes = 0;
        for (int i = 0; i < job.Items.Count; i++)
        {
            double similarity = Similarity(job.Items[i], "check out my channel and subscribe");
            int vote = run.Matrix[i, column];
            if (Math.Abs(similarity - 0.3) > 1e-4)
            {
                Assert.Equal(similarity >= 0.3 ? 1 : -1, vote);
            }

            spamVotes += vote == 1 ? 1 : 0;
        }

        Assert.InRange(spamVotes, 1, job.Items.Count - 1);
        Assert.Contains("check out my channel and subscribe", run.Concepts!.Phrases);

        // The run's figures count the concept call: two calls, their tokens, the concept stage first in the log.
        Assert.Equal((2, 1_300L, 240L), (run.SynthesisCost.Calls, run.SynthesisCost.InputTokens, run.SynthesisCost.OutputTokens));
        Assert.Equal([SynthesisOutcome.Concepts, SynthesisOutcome.Accepted], run.SynthesisAttempts.Select(a => a.Outcome));
        Assert.StartsWith("Listed 3 concept(s) (1 HAM, 2 SPAM); measured on ", run.SynthesisAttempts[0].Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?> MalformedReplies() => new()
    {
        { "Spam is mostly about links and channels; ham talks about the song.", "The concept reply listed no usable concept (one per line, CLASS_INDEX | phrase); the slots write plain programs, as without concept scores.", null },
        { "", "The concept reply was empty; the slots write plain programs, as without concept scores.", null },
        { "1 |   \n0 | \"\"", "The concept reply listed no usable concept (one per line, CLASS_INDEX | phrase); 2 line(s) refused, listed in the problems; the slots write plain programs, as without concept scores.", "Line 1 lists a blank phrase for class spam; it was ignored." },
        { "1 | " + new string('x', 201), "The concept reply listed no usable concept (one per line, CLASS_INDEX | phrase); 1 line(s) refused, listed in the problems; the slots write plain programs, as without concept scores.", "Line 1 lists a phrase of 201 characters for class spam, more than the 200 allowed; it was ignored." },
        { "7 | asks people to visit a channel", "The concept reply listed no usable concept (one per line, CLASS_INDEX | phrase); 1 line(s) refused, listed in the problems; the slots write plain programs, as without concept scores.", "Line 1 names the class '7', which is neither a class index (0 to 1) nor a class name; the line was ignored." },
        { "1 | says \"subscribe\" to me", "The concept reply listed no usable concept (one per line, CLASS_INDEX | phrase); 1 line(s) refused, listed in the problems; the slots write plain programs, as without concept scores.", "Line 1 lists a phrase with a quote, a backslash or a control character ('says \"subscribe\" to me'); it was ignored, so that every phrase can be written as a plain C# string literal." },
    };

    [Theory]
    [MemberData(nameof(MalformedReplies))]
    public async Task MalformedConceptReply_IsLoggedWithItsReason_AndTheSlotsWriteTodaysPlainPrograms(string reply, string message, string? problem)
    {
        var client = new ScriptedChatClient().Reply(reply, 100, 10).Reply(Fenced(GoodProgram), 500, 50);
        var synthesizer = new ChatProgramSynthesizer(client);
        var log = new SynthesisLog();
        var request = new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Examples = Examples, Log = log, Concepts = await ScoresAsync(Examples) };

        LabelingProgram program = Assert.Single(await synthesizer.SynthesizeAsync(request).ToListAsync());

        Assert.Equal(GoodProgram + "\n", program.Source);
        SynthesisAttempt stage = log.GetOrderedAttempts()[0];
        Assert.Equal((SynthesisOutcome.Concepts, message), (stage.Outcome, stage.Message));
        if (problem is null)
        {
            Assert.Empty(stage.Problems);
        }
        else
        {
            Assert.Equal(problem, stage.Problems[0]);
        }

        // The fallback is exactly today's prompt: the same messages a request without concept scores sends.
        Assert.Equal(await PlainMessagesAsync(request with { Concepts = null, Log = null }), Texts(client.Requests[1].Messages));
        Assert.Equal(2, synthesizer.Ledger.GetSummary().Calls);
    }

    [Fact]
    public async Task ConceptReply_WithTooManyDuplicateAndBadLines_KeepsTheGoodOnesAndListsEveryProblem()
    {
        const string reply = """
            ```
            | class | concept |
            |---|---|
            | 1 | asks people to visit a channel |
            - spam: "offers free gifts or money"
            2. SPAM (1) | promotes a website
            * 1 | asks people to visit a channel
            1 | says something unrelated
            ham | talks about the song itself
            0 |
            ```
            """;
        var client = new ScriptedChatClient().Reply(reply, 100, 10).Reply(Fenced(ChannelConceptProgram), 500, 50);
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { ConceptsPerClass = 3 });
        var log = new SynthesisLog();

        await synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Examples = Examples, Log = log, Concepts = await ScoresAsync(Examples) }).ToListAsync();

        SynthesisAttempt stage = log.GetOrderedAttempts()[0];
        Assert.Equal(SynthesisOutcome.Concepts, stage.Outcome);
        Assert.Equal("Listed 4 concept(s) (1 ham, 3 spam); 4 problem(s), listed; measured on 6 labeled seed items; every slot is asked for a concept program over them.", stage.Message);
        Assert.Equal(
            [
                "Line 2 names the class 'class', which is neither a class index (0 to 1) nor a class name; the line was ignored.",
                "Line 7 lists 'asks people to visit a channel' again; it was kept once.",
                "Line 8 lists more than 3 concepts for class spam (ChatSynthesizerOptions.ConceptsPerClass); 'says something unrelated' was ignored.",
                "Line 10 lists a blank phrase for class ham; it was ignored.",
            ],
            stage.Problems);
        string prompt = client.Requests[1].LastUserText;
        Assert.Contains("- [spam (1)] \"asks people to visit a channel\": ", prompt, StringComparison.Ordinal);
        Assert.Contains("- [spam (1)] \"offers free gifts or money\": ", prompt, StringComparison.Ordinal);
        Assert.Contains("- [spam (1)] \"promotes a website\": ", prompt, StringComparison.Ordinal);
        Assert.Contains("- [ham (0)] \"talks about the song itself\": ", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("says something unrelated", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConceptCallFails_IsReportedAndCounted_AndTheSlotsWritePlainPrograms()
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram), 500, 50).ThrowOnCall(1, new HttpRequestException("HTTP 500 (server_error)"));
        var synthesizer = new ChatProgramSynthesizer(client);
        var log = new SynthesisLog();
        var request = new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, Examples = Examples, Log = log, Concepts = await ScoresAsync(Examples) };

        Assert.Single(await synthesizer.SynthesizeAsync(request).ToListAsync());

        SynthesisAttempt stage = log.GetOrderedAttempts()[0];
        Assert.Equal(((int?)null, SynthesisOutcome.CallFailed), (stage.Slot, stage.Outcome));
        Assert.Equal("The concept call failed (The call failed (HttpRequestException: HTTP 500 (server_error))); the slots write plain programs, as without concept scores.", stage.Message);
        CostSummary cost = synthesizer.Ledger.GetSummary();
        Assert.Equal((2, 1, 500L), (cost.Calls, cost.FailedCalls, cost.InputTokens));
        Assert.Equal(await PlainMessagesAsync(request with { Concepts = null, Log = null }), Texts(client.Requests[1].Messages));
    }

    [Fact]
    public async Task DeadlineDuringTheConceptCall_IsRecorded_AndNoSlotStarts()
    {
        var time = new RecordingTimeProvider();
        var client = new ScriptedChatClient().Reply(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new ChatResponse();
        });
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { Deadline = TimeSpan.FromMinutes(5) }, timeProvider: time);
        var log = new SynthesisLog();

        Task<List<LabelingProgram>> synthesis = synthesizer.SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 2, Examples = Examples, Log = log, Concepts = await ScoresAsync(Examples) }).ToListAsync().AsTask();
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => client.Requests.Count == 1);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(await synthesis.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(
            [
                ((int?)null, SynthesisOutcome.CallFailed, "The synthesis deadline of 00:05:00 passed during the concept call; no slot starts after it."),
                (0, SynthesisOutcome.CallFailed, "The synthesis deadline of 00:05:00 passed before this slot started; it made no call."),
                (1, SynthesisOutcome.CallFailed, "The synthesis deadline of 00:05:00 passed before this slot started; it made no call."),
            ],
            log.GetOrderedAttempts().Select(a => (a.Slot, a.Outcome, a.Message)));
        Assert.Single(client.Requests);
        Assert.Equal((1, 1), (synthesizer.Ledger.GetSummary().Calls, synthesizer.Ledger.GetSummary().FailedCalls));
    }

    [Fact]
    public async Task NoConceptScores_NoConceptCall_AndTheSamePromptsAsWithTheStageOff()
    {
        // Without concept scores the stage is never asked, whatever the option says: one call per slot, the plain prompts.
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram)).Reply(Fenced(GoodProgram));
        var synthesizer = new ChatProgramSynthesizer(client, new ChatSynthesizerOptions { GenerateConcepts = true, MaxConcurrency = 1 });
        var request = new SynthesisRequest<string>(SpamTask) { ProgramCount = 2, Examples = Examples };

        await synthesizer.SynthesizeAsync(request).ToListAsync();

        Assert.Equal(2, client.Requests.Count);
        var prompts = new ProgramPrompts<string>(request, synthesizer.Options);
        for (int slot = 0; slot < 2; slot++)
        {
            Assert.Equal(["system: " + prompts.System, "user: " + prompts.ForSlot(slot, priorKnowledge: null).Text], Texts(client.Requests[slot].Messages));
            Assert.StartsWith("You write labeling functions:", client.Requests[slot].SystemText, StringComparison.Ordinal);
            Assert.Contains("    public static int Label(string item)\n", client.Requests[slot].SystemText, StringComparison.Ordinal);
            Assert.DoesNotContain("Concepts", client.Requests[slot].AllText, StringComparison.Ordinal);
        }

        // With concept scores and the stage off, the prompts are the same, byte for byte.
        var off = new ScriptedChatClient().Reply(Fenced(GoodProgram)).Reply(Fenced(GoodProgram));
        await new ChatProgramSynthesizer(off, new ChatSynthesizerOptions { GenerateConcepts = false, MaxConcurrency = 1 })
            .SynthesizeAsync(request with { Concepts = await ScoresAsync(Examples) }).ToListAsync();
        Assert.Equal(client.Requests.Select(r => Texts(r.Messages)), off.Requests.Select(r => Texts(r.Messages)));
    }

    [Fact]
    public async Task NoSeedLabels_ConceptsAreListedWithoutFigures_AndThePromptSaysThereIsNoPrototype()
    {
        string[] items = [.. Examples.Select(e => e.Item)];
        ConceptScores<string> scores = await ConceptScores<string>.CreateAsync(items, [], 2, new HashedWordsEmbeddingGenerator(), new HashedWordsEmbeddingGenerator(), null, CancellationToken.None);
        var client = new ScriptedChatClient().Reply(ConceptReply).Reply(Fenced(ChannelConceptProgram));
        var log = new SynthesisLog();

        await new ChatProgramSynthesizer(client).SynthesizeAsync(new SynthesisRequest<string>(SpamTask) { ProgramCount = 1, UnlabeledSample = items, Log = log, Concepts = scores }).ToListAsync();

        Assert.Equal("Listed 3 concept(s) (1 ham, 2 spam); not measured, since the request has no labeled seed item the run embedded; every slot is asked for a concept program over them.", log.GetOrderedAttempts()[0].Message);
        ScriptedChatRequest program = client.Requests[1];
        Assert.Contains("This run has no prototype: do not call Prototype.", program.SystemText, StringComparison.Ordinal);
        Assert.Contains("Concepts listed for this task (the class they describe, then the phrase):\n- [spam (1)] \"asks people to visit a channel\"\n", program.LastUserText, StringComparison.Ordinal);
        Assert.DoesNotContain("Prototype(0)", program.LastUserText, StringComparison.Ordinal);
        Assert.Contains("Use the concept scores: the listed concepts (or other constant phrases), with thresholds or margins, alone or together with checks on the item itself.", program.LastUserText, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ConceptsPerClassOutOfRange_IsRejectedNamingTheBounds()
    {
        string[] failures = [.. new ChatSynthesizerOptionsValidator().Validate(null, new ChatSynthesizerOptions { ConceptsPerClass = 0 }).Failures!];

        Assert.Contains(failures, f => f.Contains("ConceptsPerClass", StringComparison.Ordinal) && f.Contains("1 and 32", StringComparison.Ordinal));
        OptionsAssert.Rejects(() => new ChatProgramSynthesizer(new ScriptedChatClient(), new ChatSynthesizerOptions { ConceptsPerClass = 33 }), "ConceptsPerClass");
        Assert.True(new ChatSynthesizerOptions().GenerateConcepts);
        Assert.Equal(6, new ChatSynthesizerOptions().ConceptsPerClass);
    }

    [Fact]
    public void Parse_HeadingsWithBulletsAndColonLines_AreRead_ProseIsIgnored()
    {
        const string reply = """
            Sure! Here are concepts that separate the classes:

            ham:
            - talks about the song itself
            - remembers an earlier year: nostalgia
            spam (1):
            1. asks people to visit a channel
            2) "offers free gifts or money"
            Note: these are only examples.
            """;

        ChatConceptList list = ChatConceptList.Parse(reply, ["ham", "spam"], perClass: 6);

        Assert.Equal(
            [(0, "talks about the song itself"), (0, "remembers an earlier year: nostalgia"), (1, "asks people to visit a channel"), (1, "offers free gifts or money")],
            list.Concepts.Select(c => (c.Label, c.Phrase)));
        Assert.Empty(list.Problems);
    }

    [Fact]
    public void Parse_OversizedReply_IsReadUpToTheLimit_AndAtMostTheCompilersPhraseCountIsKept()
    {
        string reply = string.Concat(Enumerable.Range(0, 400).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 10} | concept number {i}\n"))) + new string('x', 20_000);
        string[] classes = [.. Enumerable.Range(0, 10).Select(k => "c" + k.ToString(CultureInfo.InvariantCulture))];

        ChatConceptList list = ChatConceptList.Parse(reply, classes, perClass: 32);

        Assert.Equal(ConceptPhraseCollector.MaxPhrases, list.Concepts.Count);
        Assert.StartsWith("The reply has ", list.Problems[0], StringComparison.Ordinal);
        Assert.EndsWith("characters; only the first 20,000 were read.", list.Problems[0], StringComparison.Ordinal);
        Assert.Equal("Line 257: the list already holds 256 concepts, as many as one program may name; 'concept number 256' was ignored.", list.Problems[1]);
        Assert.Equal(21, list.Problems.Count);
        Assert.Matches(@"^\d+ more problem\(s\) of the same kinds\.$", list.Problems[^1]);
    }

    private static async Task<ConceptScores<string>> ScoresAsync(IReadOnlyList<LabeledExample<string>> seed) =>
        await ConceptScores<string>.CreateAsync(seed.Select(e => e.Item), seed, SpamTask.ClassCount, new HashedWordsEmbeddingGenerator(), new HashedWordsEmbeddingGenerator(), null, CancellationToken.None);

    private static async Task<string[]> PlainMessagesAsync(SynthesisRequest<string> request)
    {
        var client = new ScriptedChatClient().Reply(Fenced(GoodProgram));
        await new ChatProgramSynthesizer(client).SynthesizeAsync(request).ToListAsync();
        return Texts(Assert.Single(client.Requests).Messages);
    }

    private static string[] Texts(IEnumerable<ChatMessage> messages) => [.. messages.Select(m => m.Role.Value + ": " + m.Text)];

    private static double Similarity(string item, string phrase)
    {
        float[] a = HashedWordsEmbeddingGenerator.Embed(item), b = HashedWordsEmbeddingGenerator.Embed(phrase);
        return a.Zip(b, (x, y) => (double)x * y).Sum();
    }

    private static double MeanSimilarity(string phrase, int label) => Examples.Where(e => e.Label == label).Average(e => Similarity(e.Item, phrase));

    [GeneratedRegex(@"^ham (?<ham>-?\d+\.\d{3}), spam (?<spam>-?\d+\.\d{3})\n")]
    private static partial Regex Figures();
}
