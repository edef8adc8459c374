using System.Net;
using Alchemist.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alchemist.Tests.Synthesis;

public class RetryingChatClientTests
{
    private static readonly ChatRetryOptions Options = new() { MaxRetries = 3, InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3) };

    [Fact]
    public async Task GetResponseAsync_TransientFailures_RetriedAfterExponentialBackoffOnTheGivenClock()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedChatClient()
            .Throw(new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests))
            .Throw(new TimeoutException("slow"))
            .Reply("ok", 5, 1);
        using var client = new RetryingChatClient(inner, Options, time);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 1);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(inner.Requests);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 2);

        time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.Equal(2, inner.Requests.Count);
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        ChatResponse response = await call;
        Assert.Equal("ok", response.Text);
        Assert.Equal(5, response.Usage!.InputTokenCount);
        Assert.Equal(3, inner.Requests.Count);
        Assert.All(inner.Requests, r => Assert.Equal("hi", r.LastUserText));
    }

    [Fact]
    public async Task GetResponseAsync_RetriesUsedUp_ThrowsTheLastFailure()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedChatClient()
            .Throw(new HttpRequestException("a", null, HttpStatusCode.BadGateway))
            .Throw(new HttpRequestException("b", null, HttpStatusCode.BadGateway))
            .Throw(new HttpRequestException("c", null, HttpStatusCode.ServiceUnavailable));
        using var client = new RetryingChatClient(inner, new ChatRetryOptions { MaxRetries = 2 }, time);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        for (int i = 1; i <= 2; i++)
        {
            await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == i);
            time.Advance(TimeSpan.FromSeconds(30));
        }

        HttpRequestException ex = await Assert.ThrowsAsync<HttpRequestException>(() => call);
        Assert.Equal("c", ex.Message);
        Assert.Equal(3, inner.Requests.Count);
    }

    [Fact]
    public async Task GetResponseAsync_PermanentFailure_NotRetried()
    {
        var inner = new ScriptedChatClient().Throw(new HttpRequestException("bad key", null, HttpStatusCode.Unauthorized)).Reply("never");
        using var client = new RetryingChatClient(inner, Options, new FakeTimeProvider());

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync("hi"));
        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_CanceledWhileWaiting_StopsWithoutAnotherCall()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedChatClient().Throw(new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests)).Reply("never");
        using var client = new RetryingChatClient(inner, Options, time);
        using var cancellation = new CancellationTokenSource();

        Task<ChatResponse> call = client.GetResponseAsync("hi", cancellationToken: cancellation.Token);
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancellation_IsNeverRetried()
    {
        using var cancellation = new CancellationTokenSource();
        var inner = new ScriptedChatClient().Reply(async (r, ct) =>
        {
            await cancellation.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return new ChatResponse();
        });
        using var client = new RetryingChatClient(inner, Options, new FakeTimeProvider());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cancellation.Token));
        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureBeforeFirstUpdate_Retried()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedChatClient().Throw(new HttpRequestException("reset")).Reply("streamed reply");
        using var client = new RetryingChatClient(inner, Options, time);

        Task<ChatResponse> call = client.GetStreamingResponseAsync("hi").ToChatResponseAsync();
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 1);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("streamed reply", (await call).Text);
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task UseRetry_TakesTheTimeProviderFromTheServices()
    {
        var time = new FakeTimeProvider();
        using ServiceProvider services = new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var inner = new ScriptedChatClient().Throw(new TimeoutException()).Reply("ok");
        using IChatClient client = new ChatClientBuilder(inner).UseRetry(o => o.InitialDelay = TimeSpan.FromSeconds(5)).Build(services);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 1);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("ok", (await call).Text);
        Assert.NotNull(client.GetService<RetryingChatClient>());
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 2.0)]
    [InlineData(3, 3.0)]
    [InlineData(10, 3.0)]
    [InlineData(100, 3.0)]
    public void GetDelay_DoublesUpToTheMaximum(int retry, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Options.GetDelay(retry));

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new HttpRequestException("x", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("x", null, HttpStatusCode.InternalServerError), true },
        { new HttpRequestException("x", null, HttpStatusCode.GatewayTimeout), true },
        { new HttpRequestException("x", null, HttpStatusCode.RequestTimeout), true },
        { new HttpRequestException("connection refused"), true },
        { new HttpRequestException("x", null, HttpStatusCode.BadRequest), false },
        { new HttpRequestException("x", null, HttpStatusCode.NotFound), false },
        { new TimeoutException(), true },
        { new TaskCanceledException("HttpClient.Timeout elapsed"), true },
        { new IOException("reset"), true },
        { new InvalidOperationException("wrapped", new HttpRequestException("x", null, HttpStatusCode.ServiceUnavailable)), true },
        { new InvalidOperationException("no replies left"), false },
        { new ArgumentException("bad"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsTransient_ClassifiesFailures(Exception exception, bool transient) =>
        Assert.Equal(transient, ChatRetryOptions.IsTransient(exception));

    [Fact]
    public async Task ShouldRetry_CustomTest_Replaces_TheDefault()
    {
        var inner = new ScriptedChatClient().Throw(new TimeoutException()).Reply("never");
        using var client = new RetryingChatClient(inner, new ChatRetryOptions { ShouldRetry = _ => false }, new FakeTimeProvider());
        await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("hi"));
        Assert.Single(inner.Requests);
    }

    [Fact]
    public void Ctor_BadOptions_Throw()
    {
        var inner = new ScriptedChatClient();
        Assert.Equal("MaxRetries", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(inner, new ChatRetryOptions { MaxRetries = -1 })).ParamName);
        Assert.Equal("InitialDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(inner, new ChatRetryOptions { InitialDelay = TimeSpan.Zero })).ParamName);
        Assert.Equal("MaxDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(inner, new ChatRetryOptions { MaxDelay = TimeSpan.FromMilliseconds(1) })).ParamName);
    }
}
