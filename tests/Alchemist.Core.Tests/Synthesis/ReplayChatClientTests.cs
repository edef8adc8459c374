using Alchemist.Testing;
using Microsoft.Extensions.AI;

namespace Alchemist.Tests.Synthesis;

public class ReplayChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_ReturnsRecordedRepliesInOrderWithTheirUsage()
    {
        using var client = new ReplayChatClient([new RecordedExchange("first", 10, 2), new RecordedExchange("second", 20, 4) { ModelId = "gpt-4o" }], modelId: "recorded");

        ChatResponse first = await client.GetResponseAsync("a");
        ChatResponse second = await client.GetResponseAsync("b");

        Assert.Equal(("first", "recorded", 10L, 2L, 12L), (first.Text, first.ModelId, first.Usage!.InputTokenCount!.Value, first.Usage.OutputTokenCount!.Value, first.Usage.TotalTokenCount!.Value));
        Assert.Equal(("second", "gpt-4o", 20L), (second.Text, second.ModelId, second.Usage!.InputTokenCount!.Value));
        Assert.Equal(0, client.Remaining);
        Assert.Equal("recorded", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("replay", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task GetResponseAsync_NoUsageRecorded_ReportsNone()
    {
        using var client = new ReplayChatClient([new RecordedExchange("text")]);
        Assert.Null((await client.GetResponseAsync("a")).Usage);
    }

    [Fact]
    public async Task GetResponseAsync_Exhausted_ThrowsExplaining()
    {
        using var client = new ReplayChatClient([new RecordedExchange("only")]);
        await client.GetResponseAsync("a");
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("b"));
        Assert.Equal("The replay has no reply left for request #2: all 1 recorded replies are used. Replay the same request as the recorded run (same count, repairs and data), or record the run again.", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_PromptHashes_MatchRequestsWhateverTheirOrder()
    {
        ChatMessage[] promptA = [new(ChatRole.User, "prompt A")];
        ChatMessage[] promptB = [new(ChatRole.User, "prompt B")];
        using var client = new ReplayChatClient(
        [
            new RecordedExchange("reply to A") { PromptHash = PromptHash.Compute(promptA) },
            new RecordedExchange("reply to B") { PromptHash = PromptHash.Compute(promptB) },
        ]);

        Assert.Equal("reply to B", (await client.GetResponseAsync(promptB)).Text);
        Assert.Equal("reply to A", (await client.GetResponseAsync(promptA)).Text);
    }

    [Fact]
    public async Task GetResponseAsync_UnmatchedHash_TakesTheFirstUnusedReply()
    {
        using var client = new ReplayChatClient(
        [
            new RecordedExchange("one") { PromptHash = "0000" },
            new RecordedExchange("two"),
        ]);

        Assert.Equal("one", (await client.GetResponseAsync("something else")).Text);
        Assert.Equal("two", (await client.GetResponseAsync("again")).Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReplaysAsUpdates()
    {
        using var client = new ReplayChatClient([new RecordedExchange("streamed", 3, 1)]);
        ChatResponse response = await client.GetStreamingResponseAsync("a").ToChatResponseAsync();
        Assert.Equal("streamed", response.Text);
        Assert.Equal(3, response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task RecordingThenReplay_ReproducesTheRun()
    {
        var provider = new ScriptedChatClient("gpt-real").Reply("```csharp\nclass A { }\n```", 100, 20).Reply("no \"code\" here <ok> é", 50, 5);
        using var transcript = new StringWriter();
        using IChatClient recording = new ChatClientBuilder(provider).UseRecording(transcript).Build();

        await recording.GetResponseAsync("first prompt");
        await recording.GetStreamingResponseAsync("second prompt").ToChatResponseAsync();

        string[] lines = transcript.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(
            $"{{\"reply\":\"```csharp\\nclass A {{ }}\\n```\",\"inputTokens\":100,\"outputTokens\":20,\"model\":\"gpt-real\",\"promptHash\":\"{PromptHash.Compute([new ChatMessage(ChatRole.User, "first prompt")])}\"}}",
            lines[0]);
        Assert.StartsWith("{\"reply\":\"no \\\"code\\\" here <ok> é\",\"inputTokens\":50,\"outputTokens\":5,", lines[1], StringComparison.Ordinal);

        using var replay = new ReplayChatClient(ChatTranscript.Read(new StringReader(transcript.ToString())));
        ChatResponse second = await replay.GetResponseAsync("second prompt");
        ChatResponse first = await replay.GetResponseAsync("first prompt");
        Assert.Equal(("```csharp\nclass A { }\n```", "gpt-real", 100L), (first.Text, first.ModelId, first.Usage!.InputTokenCount!.Value));
        Assert.Equal("no \"code\" here <ok> é", second.Text);
    }

    [Fact]
    public async Task Recording_FailedCall_IsNotRecorded()
    {
        var provider = new ScriptedChatClient().Throw(new TimeoutException());
        using var transcript = new StringWriter();
        using IChatClient recording = new ChatClientBuilder(provider).UseRecording(transcript).Build();

        await Assert.ThrowsAsync<TimeoutException>(() => recording.GetResponseAsync("x"));
        Assert.Equal(string.Empty, transcript.ToString());
    }

    [Fact]
    public void Read_SpecFormat_Parsed()
    {
        IReadOnlyList<RecordedExchange> exchanges = ChatTranscript.Read(new StringReader("{\"reply\": \"a\", \"inputTokens\": 1, \"outputTokens\": 2}\n\n{\"reply\": \"b\", \"extra\": true}\n"));
        Assert.Equal([new RecordedExchange("a", 1, 2), new RecordedExchange("b")], exchanges);
    }

    [Theory]
    [InlineData("not json", "replay.jsonl, record line 2: The line is not valid JSON")]
    [InlineData("[1]", "replay.jsonl, record line 2: The line is a JSON array, not an object; each line must be one object with a \"reply\".")]
    [InlineData("{\"text\": \"a\"}", "replay.jsonl, record line 2, field 'reply': The object has no \"reply\" string; give the text of the recorded reply.")]
    [InlineData("{\"reply\": \"a\", \"inputTokens\": -3}", "replay.jsonl, record line 2, field 'inputTokens': The value -3 is not a token count; give a whole number of 0 or more, or leave the field out.")]
    [InlineData("{\"reply\": \"a\", \"outputTokens\": \"many\"}", "replay.jsonl, record line 2, field 'outputTokens': The value \"many\" is not a token count")]
    public void Read_BadLine_NamesTheLineAndField(string line, string expected)
    {
        DataFormatException ex = Assert.Throws<DataFormatException>(() => ChatTranscript.Read(new StringReader("{\"reply\": \"ok\"}\n" + line), "replay.jsonl"));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        FileNotFoundException ex = Assert.Throws<FileNotFoundException>(() => ReplayChatClient.Load(Path.Combine(Path.GetTempPath(), "no-such-transcript.jsonl")));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }
}
