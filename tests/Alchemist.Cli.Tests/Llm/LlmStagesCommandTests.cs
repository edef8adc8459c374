using System.Text.Json;
using Alchemist.Tests.Shared;

namespace Alchemist.Cli.Tests.Llm;

/// <summary>
/// <c>--prior-knowledge</c> and <c>--feedback-rounds</c> of <c>alchemist synthesize</c> and <c>alchemist run</c>, against
/// a loopback fake OpenAI server (so the prompts the model received can be read), and the bundled prices of
/// <c>synthesize</c>.
/// </summary>
public sealed class LlmStagesCommandTests : IDisposable
{
    private const string Knowledge = "Spam comments ask viewers to check out, subscribe to or visit a channel or a link; ham comments talk about the song or the video.";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "alchemist-cli-stages-" + Guid.NewGuid().ToString("N"));

    public LlmStagesCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Synthesize_PriorKnowledgeAndAFeedbackRound_SharesTheKnowledgeAsksAgainWithFeedbackAndPricesTheCalls()
    {
        using FakeLlmServer server = FakeLlmServer.Start(
            FakeApi.OpenAI,
            FakeStep.Reply(Knowledge, 300, 100),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut), 700, 80),
            FakeStep.Reply(Knowledge + " Links are spam too.", 300, 100),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Links), 900, 90));
        string output = Path.Combine(_root, "stages");

        (int code, string stdout, string error) = Run(
            server.Environment(), "synthesize", "--llm", "openai:gpt-4o-mini", "--count", "1", "--concurrency", "1", "--prior-knowledge", "--feedback-rounds", "1", "--out", output, "--json");

        Assert.True(code == 0, error);
        JsonElement json = JsonDocument.Parse(stdout).RootElement;

        // Round 1: the knowledge call, then the program prompt that carries its answer.
        IReadOnlyList<FakeRequest> requests = server.Requests;
        Assert.Equal(4, requests.Count);
        Assert.Contains("write down what an expert knows about it", requests[0].LastMessage, StringComparison.Ordinal);
        Assert.Contains("Background knowledge about this task:\n" + Knowledge + "\n", requests[1].LastMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Items no current program labels", requests[1].LastMessage, StringComparison.Ordinal);

        // Round 2 (the feedback round): knowledge again, then a prompt with it and the dev items round 1's program missed.
        Assert.Contains("write down what an expert knows about it", requests[2].LastMessage, StringComparison.Ordinal);
        Assert.Contains("Links are spam too.", requests[3].LastMessage, StringComparison.Ordinal);
        Assert.Contains("Items no current program labels (write a program that covers some of them):", requests[3].LastMessage, StringComparison.Ordinal);

        Assert.Equal(["llm-000", "llm-r2-000"], json.GetProperty("kept").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        Assert.True(json.GetProperty("priorKnowledge").GetBoolean());
        Assert.Equal((2, 2, 1, 2), (
            json.GetProperty("priorKnowledgeCalls").GetInt32(),
            json.GetProperty("priorKnowledgeWritten").GetInt32(),
            json.GetProperty("feedbackRounds").GetInt32(),
            json.GetProperty("roundsRun").GetInt32()));
        Assert.Equal(2, json.GetProperty("attempts").EnumerateArray().Count(a => a.GetProperty("outcome").GetString() == "PriorKnowledge"));
        Assert.Empty(json.GetProperty("dropped").EnumerateArray());

        // No --prices: the bundled prices price gpt-4o-mini at $0.15 and $0.60 per million tokens.
        // 2,200 input and 370 output tokens: 0.00033 + 0.000222.
        JsonElement cost = json.GetProperty("cost");
        Assert.Equal((4, 2_200L, 370L), (cost.GetProperty("calls").GetInt32(), cost.GetProperty("inputTokens").GetInt64(), cost.GetProperty("outputTokens").GetInt64()));
        Assert.Equal(0.000552m, cost.GetProperty("costUsd").GetDecimal());
        Assert.True(cost.GetProperty("complete").GetBoolean());
        Assert.Equal("bundled", cost.GetProperty("prices").GetString());

        // The report on disk is the same object.
        Assert.True(JsonElement.DeepEquals(json, JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "synthesis-report.json"))).RootElement));
    }

    [Fact]
    public void Synthesize_PriorKnowledgeAndFeedback_ItsTranscriptReplaysTheSameProgramsConcurrently()
    {
        using FakeLlmServer server = FakeLlmServer.Start(
            FakeApi.OpenAI,
            FakeStep.Reply(Knowledge),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Subscribe)),
            FakeStep.Reply(Knowledge),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Links)),
            FakeStep.Reply("No program this time."));
        string recorded = Path.Combine(_root, "recorded");
        (int code, string stdout, string error) = Run(
            server.Environment(), "synthesize", "--llm", "openai:gpt-4o-mini", "--count", "2", "--concurrency", "1", "--repairs", "0", "--prior-knowledge", "--feedback-rounds", "1", "--out", recorded, "--json");
        Assert.True(code == 0, error);

        // The replay matches each call by its prompt's hash, so the knowledge calls and both rounds replay in any order.
        string replayed = Path.Combine(_root, "replayed");
        (code, string again, error) = Run(
            [], "synthesize", "--llm", "replay:" + Path.Combine(recorded, "transcript.jsonl"), "--count", "2", "--concurrency", "2", "--repairs", "0", "--prior-knowledge", "--feedback-rounds", "1", "--out", replayed, "--json");
        Assert.True(code == 0, error);

        JsonElement first = JsonDocument.Parse(stdout).RootElement;
        JsonElement second = JsonDocument.Parse(again).RootElement;
        Assert.Equal(["llm-000", "llm-001", "llm-r2-000"], first.GetProperty("kept").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        // Round 2's slot 1 wrote no program (after its one follow-up): a drop of its own, though round 1's slot 1 kept one.
        JsonElement dropped = Assert.Single(first.GetProperty("dropped").EnumerateArray());
        Assert.Equal(("llm-r2-001-r1", 1, "RejectedReply"), (dropped.GetProperty("name").GetString(), dropped.GetProperty("slot").GetInt32(), dropped.GetProperty("reason").GetString()));
        Assert.True(JsonElement.DeepEquals(first.GetProperty("dropped"), second.GetProperty("dropped")));
        Assert.Equal(
            first.GetProperty("kept").EnumerateArray().Select(k => k.GetProperty("contentHash").GetString()),
            second.GetProperty("kept").EnumerateArray().Select(k => k.GetProperty("contentHash").GetString()));
        Assert.Equal((2, 2), (second.GetProperty("priorKnowledgeWritten").GetInt32(), second.GetProperty("roundsRun").GetInt32()));
        Assert.Equal(7, server.Requests.Count);
    }

    [Fact]
    public void Synthesize_Table_SaysWhatTheStagesDid()
    {
        using FakeLlmServer server = FakeLlmServer.Start(
            FakeApi.OpenAI,
            FakeStep.Reply(Knowledge),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.CheckOut)));

        (int code, string stdout, string error) = Run(
            server.Environment(), "synthesize", "--llm", "openai:gpt-4o-mini", "--count", "1", "--prior-knowledge", "--out", Path.Combine(_root, "table"));

        Assert.True(code == 0, error);
        Assert.Contains("Asked openai:gpt-4o-mini for 1 programs, with up to 2 repairs each.", stdout, StringComparison.Ordinal);
        Assert.Contains("Stages: prior knowledge 1 of 1 call(s) answered; 1 round(s) of programs (0 feedback round(s) asked).", stdout, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void Run_PriorKnowledgeAndAFeedbackRound_RecordsThemInRunJson()
    {
        using FakeLlmServer server = FakeLlmServer.Start(
            FakeApi.OpenAI,
            FakeStep.Reply(Knowledge),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Subscribe)),
            FakeStep.Reply(Knowledge),
            FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Links)));
        string output = Path.Combine(_root, "run");

        (int code, string stdout, string error) = Run(
            server.Environment(), "run", "--data", SmallYouTube(), "--llm", "openai:gpt-4o-mini", "--programs", "1", "--prior-knowledge", "--feedback-rounds", "1", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Equal(4, server.Requests.Count);
        Assert.Contains("Background knowledge about this task:\n" + Knowledge + "\n", server.Requests[1].LastMessage, StringComparison.Ordinal);
        Assert.Contains("Items no current program labels", server.Requests[3].LastMessage, StringComparison.Ordinal);
        Assert.Contains("LLM stages   prior knowledge 2 of 2 call(s) answered; 2 round(s) of programs (1 feedback round(s) asked)", stdout, StringComparison.Ordinal);

        JsonElement run = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json"))).RootElement;
        JsonElement synthesis = run.GetProperty("synthesis");
        Assert.Equal("openai:gpt-4o-mini", synthesis.GetProperty("llm").GetString());
        Assert.True(synthesis.GetProperty("priorKnowledge").GetBoolean());
        Assert.Equal((2, 2, 1, 2), (
            synthesis.GetProperty("priorKnowledgeCalls").GetInt32(),
            synthesis.GetProperty("priorKnowledgeWritten").GetInt32(),
            synthesis.GetProperty("feedbackRounds").GetInt32(),
            synthesis.GetProperty("roundsRun").GetInt32()));
        Assert.Equal(4, run.GetProperty("cost").GetProperty("llmCalls").GetInt32());
        Assert.True(run.GetProperty("cost").GetProperty("synthesisUsd").GetDouble() > 0);
    }

    [Fact]
    public void Run_ConceptStage_ListsConceptsFirst_OffersThemToTheProgramPrompt_AndRecordsTheCall()
    {
        using FakeLlmServer server = FakeLlmServer.Start(
            FakeApi.OpenAI,
            FakeStep.Reply("1 | asks people to visit a channel\n1 | check out my channel and subscribe\n0 | talks about the song itself"),
            FakeStep.Reply(FakePrograms.Fenced(ChannelConceptProgram)));
        string output = Path.Combine(_root, "concepts");

        (int code, string stdout, string error) = Run(
            server.Environment(), "run", "--data", SmallYouTube(), "--llm", "openai:gpt-4o-mini", "--programs", "1", "--feedback-rounds", "0", "--embeddings", "minilm", "--concepts", "3", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("up to 3 short phrases", server.Requests[0].LastMessage, StringComparison.Ordinal);
        Assert.Contains("\"check out my channel and subscribe\"", server.Requests[1].LastMessage, StringComparison.Ordinal);
        Assert.Contains("public static int Label(string item, Concepts concepts)", server.Requests[1].LastMessage, StringComparison.Ordinal);
        Assert.Contains("LLM stages   no prior knowledge; 1 round(s) of programs (0 feedback round(s) asked); concepts: Listed 3 concept(s)", stdout, StringComparison.Ordinal);

        // The concept call is counted as what it is, not as a prior-knowledge call (both are shared by every slot).
        JsonElement synthesis = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json"))).RootElement.GetProperty("synthesis");
        Assert.Equal((0, 3, 1), (synthesis.GetProperty("priorKnowledgeCalls").GetInt32(), synthesis.GetProperty("conceptsPerClass").GetInt32(), synthesis.GetProperty("conceptCalls").GetInt32()));
        Assert.StartsWith("Listed 3 concept(s)", synthesis.GetProperty("conceptOutcome").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ConceptsZero_SkipsTheConceptStage()
    {
        using FakeLlmServer server = FakeLlmServer.Start(FakeApi.OpenAI, FakeStep.Reply(FakePrograms.Fenced(FakePrograms.Subscribe)));
        string output = Path.Combine(_root, "no-concepts");

        (int code, _, string error) = Run(
            server.Environment(), "run", "--data", SmallYouTube(), "--llm", "openai:gpt-4o-mini", "--programs", "1", "--feedback-rounds", "0", "--embeddings", "minilm", "--concepts", "0", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        FakeRequest only = Assert.Single(server.Requests);
        Assert.DoesNotContain("CLASS_INDEX | phrase", only.LastMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Concepts concepts", only.LastMessage, StringComparison.Ordinal);
        JsonElement synthesis = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json"))).RootElement.GetProperty("synthesis");
        Assert.Equal(0, synthesis.GetProperty("conceptCalls").GetInt32());
        Assert.False(synthesis.TryGetProperty("conceptsPerClass", out _));
    }

    [Theory]
    [InlineData("33", "--embeddings", "minilm", "error: --concepts is 33; use between 1 and 32 concepts per class, or 0 to skip the concept stage.")]
    [InlineData("-1", "--embeddings", "minilm", "error: --concepts is -1; use between 1 and 32 concepts per class, or 0 to skip the concept stage.")]
    [InlineData("4", "--seed", "1", "error: --concepts applies to concept programs, which read the concept scores of --embeddings; add --embeddings SPEC (e.g. minilm), or leave out --concepts.")]
    public void Run_ConceptsOutOfRangeOrWithoutEmbeddings_IsRefusedBeforeWork(string concepts, string option, string value, string expected)
    {
        string output = Path.Combine(_root, "concepts-refused");
        (int code, _, string error) = Run([], "run", "--llm", "replay:" + Path.Combine(_root, "none.jsonl"), "--concepts", concepts, option, value, "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_WithoutAnLlm_RecordsNoStage()
    {
        string output = Path.Combine(_root, "offline");
        (int code, _, string error) = Run([], "run", "--data", SmallYouTube(), "--programs", "2", "--in-process", "--out", output);

        Assert.True(code == 0, error);
        JsonElement synthesis = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run.json"))).RootElement.GetProperty("synthesis");
        Assert.Equal("none", synthesis.GetProperty("llm").GetString());
        Assert.False(synthesis.GetProperty("priorKnowledge").GetBoolean());
        Assert.Equal((0, 0, 0), (synthesis.GetProperty("priorKnowledgeCalls").GetInt32(), synthesis.GetProperty("feedbackRounds").GetInt32(), synthesis.GetProperty("roundsRun").GetInt32()));
    }

    [Theory]
    [InlineData("--prior-knowledge")]
    [InlineData("--feedback-rounds", "2")]
    [InlineData("--concepts", "3", "--embeddings", "minilm")]
    public void Run_StageWithoutAnLlm_IsRefusedBeforeWork(params string[] option)
    {
        string output = Path.Combine(_root, "refused");
        (int code, _, string error) = Run([], ["run", "--out", output, .. option]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(
            $"error: {option[0]} applies to an LLM's programs, and the offline synthesizer (--llm none) takes neither: it mines programs from the seed labels in one pass; add --llm SPEC, or leave out {option[0]}.",
            error,
            StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_StageWithALibrary_IsRefused()
    {
        (int code, _, string error) = Run([], "run", "--library", _root, "--prior-knowledge", "--out", Path.Combine(_root, "lib"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("error: --prior-knowledge applies to an LLM's programs, and --library re-runs stored programs and asks no synthesizer;", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "-1")]
    [InlineData("synthesize", "11")]
    public void FeedbackRoundsOutOfRange_IsRefused(string command, string rounds)
    {
        string output = Path.Combine(_root, "range");
        (int code, _, string error) = Run([], command, "--llm", "replay:" + Path.Combine(_root, "none.jsonl"), "--feedback-rounds", rounds, "--out", output);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"error: --feedback-rounds is {rounds}; use between 0 and 10 rounds after the first.", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Synthesize_Replay_PricesWithTheBundledPricesWithoutAPricesFile()
    {
        string transcript = Path.Combine(_root, "transcript.jsonl");
        File.WriteAllLines(transcript, [ChatTranscript.FormatLine(new RecordedExchange(FakePrograms.Fenced(FakePrograms.CheckOut), 1_000_000, 100_000) { ModelId = "gpt-4o" })]);

        (int code, string stdout, string error) = Run([], "synthesize", "--llm", "replay:" + transcript, "--count", "1", "--out", Path.Combine(_root, "priced"));

        // gpt-4o: $2.50 per million input tokens, $10 per million output tokens.
        Assert.True(code == 0, error);
        Assert.Contains("1000000 input tokens, 100000 output tokens, $3.5.", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("No price for", stdout, StringComparison.Ordinal);
    }

    private const string ChannelConceptProgram = """
        public static class ChannelConcept
        {
            private const string Visit = "check out my channel and subscribe";

            public static int Label(string item, Concepts concepts) => concepts[Visit] >= 0.3 ? 1 : -1;
        }
        """;

    private static (int Code, string Output, string Error) Run(Dictionary<string, string?> environment, params string[] args) =>
        CliRunner.Run(new CliContext(name => environment.GetValueOrDefault(name), new FastClock(1)), args);

    private string SmallYouTube() => CliRunner.SmallYouTube(_root);
}
