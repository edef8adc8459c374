using Alchemist.Testing;
using Microsoft.Extensions.AI;

namespace Alchemist.Tests.Synthesis;

public class ScriptedChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_RepliesInOrderWithUsageAndRecordsRequests()
    {
        var client = new ScriptedChatClient("m1").Reply("one", 10, 2).Reply("two");
        var options = new ChatOptions { Temperature = 0.5f };

        ChatResponse first = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "sys"), new ChatMessage(ChatRole.User, "u1")], options);
        options.Temperature = 0.9f; // The recorded options are a copy.
        ChatResponse second = await client.GetResponseAsync("u2");

        Assert.Equal(("one", "m1", 10L, 2L), (first.Text, first.ModelId, first.Usage!.InputTokenCount!.Value, first.Usage.OutputTokenCount!.Value));
        Assert.Null(second.Usage);
        Assert.Equal([1, 2], client.Requests.Select(r => r.Number));
        Assert.Equal(("sys", "u1", 0.5f), (client.Requests[0].SystemText, client.Requests[0].LastUserText, client.Requests[0].Options!.Temperature!.Value));
        Assert.Equal(0, client.RemainingSteps);
    }

    [Fact]
    public async Task ThrowAndThrowOnCall_FailTheChosenCalls()
    {
        var boom = new TimeoutException("boom");
        var client = new ScriptedChatClient().Reply("a").Throw(boom).Reply("c").ThrowOnCall(3, new InvalidOperationException("third"));

        Assert.Equal("a", (await client.GetResponseAsync("1")).Text);
        Assert.Same(boom, await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("2")));
        Assert.Equal("third", (await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("3"))).Message);
        Assert.Equal("c", (await client.GetResponseAsync("4")).Text);
    }

    [Fact]
    public async Task GetResponseAsync_NoStepLeft_ThrowsExplaining()
    {
        var client = new ScriptedChatClient();
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("x"));
        Assert.Equal("No scripted step is left for request #1. Queue one reply, failure or handler per expected request.", ex.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReplaysTheReplyAsUpdates()
    {
        var client = new ScriptedChatClient().Reply("streamed text", 4, 2);
        List<ChatResponseUpdate> updates = await client.GetStreamingResponseAsync("x").ToListAsync();
        ChatResponse response = updates.ToChatResponse();
        Assert.Equal("streamed text", response.Text);
        Assert.Equal(4, response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Handler_SeesTheRequest()
    {
        var client = new ScriptedChatClient().Reply((request, ct) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "echo " + request.LastUserText))));
        Assert.Equal("echo hello", (await client.GetResponseAsync("hello")).Text);
    }

    [Fact]
    public void GetService_ReturnsMetadataAndItself()
    {
        var client = new ScriptedChatClient("m2");
        Assert.Equal("m2", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Same(client, client.GetService<ScriptedChatClient>());
        Assert.Null(client.GetService<ScriptedChatClient>("key"));
    }
}
