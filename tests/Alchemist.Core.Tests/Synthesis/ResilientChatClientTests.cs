using System.Net;
using System.Net.Sockets;
using Alchemist.Testing;
using Alchemist.Tests.Shared;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alchemist.Tests.Synthesis;

/// <summary>The Polly-based resilient client on a fake clock: every wait is observed by advancing the clock, never by sleeping.</summary>
public class ResilientChatClientTests
{
    /// <summary>The longest a test waits for a call, in real time, so that a missed timer fails the test instead of hanging it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly ChatResilienceOptions Options = new()
    {
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(30),
        UseCircuitBreaker = false,
    };

    [Fact]
    public async Task GetResponseAsync_TransientFailures_RetriedWithGrowingJitteredBackoffOnTheClock()
    {
        var time = new RecordingTimeProvider();
        var logger = new ListLogger();
        var inner = new ScriptedChatClient()
            .Throw(new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway))
            .Throw(new TimeoutException("slow"))
            .Throw(new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable))
            .Reply("ok", 5, 1);
        using var client = new ResilientChatClient(inner, Options, time, logger, randomizer: () => 0.5);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        for (int request = 1; request <= 3; request++)
        {
            await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == request && logger.Retries.Count == request);
            TimeSpan delay = logger.Retries[^1];
            await time.WaitForTimersAsync(waits => waits.Count(w => w > TimeSpan.Zero && w != Options.AttemptTimeout) == request);
            Assert.InRange(time.Waits.Last(w => w > TimeSpan.Zero && w != Options.AttemptTimeout), delay - TimeSpan.FromMilliseconds(1), delay); // timers count whole milliseconds

            // Nothing happens until the clock reaches the wait, then the next attempt is made.
            time.Advance(delay - TimeSpan.FromMilliseconds(1));
            await Task.Delay(20);
            Assert.Equal(request, inner.Requests.Count);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        ChatResponse response = await call.WaitAsync(Bound);
        Assert.Equal(("ok", 4), (response.Text, inner.Requests.Count));
        Assert.All(inner.Requests, r => Assert.Equal("hi", r.LastUserText));

        // Exponential with jitter: about BaseDelay first, growing, never above MaxDelay; the response carries the figures.
        IReadOnlyList<TimeSpan> delays = logger.Retries;
        Assert.InRange(delays[0], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2));
        Assert.True(delays[0] < delays[1] && delays[1] < delays[2], string.Join(", ", delays));
        Assert.All(delays, d => Assert.True(d <= Options.MaxDelay));
        ChatCallResilience figures = ChatCallResilience.FromResponse(response);
        Assert.Equal((3, 0), (figures.Retries, figures.Timeouts));
        Assert.Equal((delays[0] + delays[1] + delays[2]).TotalSeconds, figures.RetryDelay.TotalSeconds, precision: 3);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfter_IsHonouredToTheMillisecond()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient().Throw(Throttled(TimeSpan.FromSeconds(12))).Reply("ok");
        using var client = new ResilientChatClient(inner, Options, time);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(12)));
        await AdvanceAndCheckNoRequestAsync(time, TimeSpan.FromMilliseconds(11_999), inner, 1);
        time.Advance(TimeSpan.FromMilliseconds(1));

        ChatResponse response = await call.WaitAsync(Bound);
        Assert.Equal(new ChatCallResilience(1, 0, TimeSpan.FromSeconds(12)), ChatCallResilience.FromResponse(response));
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterLongerThanMaxDelay_IsStillHonoured()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient().Throw(Throttled(TimeSpan.FromSeconds(12))).Reply("ok");
        var options = Options.Snapshot();
        options.MaxDelay = TimeSpan.FromSeconds(5);
        using var client = new ResilientChatClient(inner, options, time);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(12)));
        await AdvanceAndCheckNoRequestAsync(time, TimeSpan.FromSeconds(11), inner, 1);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(12), ChatCallResilience.FromResponse(await call.WaitAsync(Bound)).RetryDelay);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfter_IsCappedByMaxRetryAfter()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient().Throw(Throttled(TimeSpan.FromMinutes(10))).Reply("ok");
        var options = Options.Snapshot();
        options.MaxRetryAfter = TimeSpan.FromSeconds(20);
        using var client = new ResilientChatClient(inner, options, time);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(20)));
        await AdvanceAndCheckNoRequestAsync(time, TimeSpan.FromSeconds(19), inner, 1);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(20), ChatCallResilience.FromResponse(await call.WaitAsync(Bound)).RetryDelay);
    }

    [Fact]
    public async Task GetResponseAsync_HungAttempt_TimesOutOnTheClockAndIsRetried()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient()
            .Reply(async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new ChatResponse();
            })
            .Reply("ok");
        var options = Options.Snapshot();
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        options.MaxDelay = TimeSpan.FromSeconds(2);
        using var client = new ResilientChatClient(inner, options, time);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 1);
        await AdvanceAndCheckNoRequestAsync(time, TimeSpan.FromSeconds(9.9), inner, 1);
        time.Advance(TimeSpan.FromSeconds(0.1));            // the timeout: the attempt is cancelled
        await time.WaitForTimersAsync(waits => waits.Any(w => w > TimeSpan.Zero && w != options.AttemptTimeout));
        time.Advance(TimeSpan.FromSeconds(2));              // the backoff, at most MaxDelay

        ChatResponse response = await call.WaitAsync(Bound);
        Assert.Equal("ok", response.Text);
        ChatCallResilience figures = ChatCallResilience.FromResponse(response);
        Assert.Equal((1, 1), (figures.Retries, figures.Timeouts));
    }

    [Fact]
    public async Task GetResponseAsync_RetriesUsedUp_ThrowsChatCallFailedExceptionWithTheProvidersFailure()
    {
        var time = new RecordingTimeProvider();
        var refused = new HttpRequestException("Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused));
        var inner = new ScriptedChatClient().Throw(refused).Throw(refused).Throw(refused);
        var options = Options.Snapshot();
        options.MaxRetries = 2;
        using var client = new ResilientChatClient(inner, options, time, logger: null, randomizer: () => 0.5);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        for (int i = 1; i <= 2; i++)
        {
            await time.WaitForTimersAsync(waits => waits.Count(w => w > TimeSpan.Zero && w != options.AttemptTimeout) == i);
            time.Advance(Options.MaxDelay);
        }

        ChatCallFailedException ex = await Assert.ThrowsAsync<ChatCallFailedException>(() => call.WaitAsync(Bound));
        Assert.Same(refused, ex.InnerException);
        Assert.Equal((2, 0, false), (ex.Resilience.Retries, ex.Resilience.Timeouts, ex.CircuitOpen));
        Assert.Matches(@"^The call failed after 3 attempts \(2 retries, [0-9.]+ s waited\): HttpRequestException: Connection refused \(127\.0\.0\.1:9\)$", ex.Message);
        Assert.Equal(ex.Resilience, ChatCallResilience.FromException(new InvalidOperationException("wrapped", ex)));
        Assert.Equal(3, inner.Requests.Count);
    }

    [Fact]
    public async Task GetResponseAsync_PermanentFailure_NotRetried()
    {
        var unauthorized = new HttpRequestException("bad key", null, HttpStatusCode.Unauthorized);
        var inner = new ScriptedChatClient().Throw(unauthorized).Reply("never");
        using var client = new ResilientChatClient(inner, Options, new FakeTimeProvider());

        ChatCallFailedException ex = await Assert.ThrowsAsync<ChatCallFailedException>(() => client.GetResponseAsync("hi"));
        Assert.Equal("The call failed after 1 attempt: HttpRequestException: bad key", ex.Message);
        Assert.Same(unauthorized, ex.InnerException);
        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_CustomShouldRetry_ReplacesTheDefault()
    {
        var inner = new ScriptedChatClient().Throw(new TimeoutException()).Reply("never");
        var options = Options.Snapshot();
        options.ShouldRetry = _ => false;
        using var client = new ResilientChatClient(inner, options, new FakeTimeProvider());

        await Assert.ThrowsAsync<ChatCallFailedException>(() => client.GetResponseAsync("hi"));
        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_CanceledWhileWaiting_StopsWithoutAnotherCall()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedChatClient().Throw(Throttled(TimeSpan.FromSeconds(5))).Reply("never");
        using var client = new ResilientChatClient(inner, Options, time);
        using var cancellation = new CancellationTokenSource();

        Task<ChatResponse> call = client.GetResponseAsync("hi", cancellationToken: cancellation.Token);
        await ChatProgramSynthesizerTests.WaitUntilAsync(() => inner.Requests.Count == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
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
        using var client = new ResilientChatClient(inner, Options, new FakeTimeProvider());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cancellation.Token));
        Assert.Single(inner.Requests);
    }

    [Fact]
    public async Task CircuitBreaker_RepeatedFailures_OpenIt_SoLaterCallsFailAtOnceNamingTheLastFailure()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedChatClient();
        for (int i = 0; i < 3; i++)
        {
            inner.Throw(new HttpRequestException($"Connection refused (127.0.0.1:{i})", new SocketException((int)SocketError.ConnectionRefused)));
        }

        inner.Reply("after the break");
        var options = new ChatResilienceOptions { MaxRetries = 0, CircuitBreakerMinimumThroughput = 3, CircuitBreakDuration = TimeSpan.FromSeconds(30) };
        using var client = new ResilientChatClient(inner, options, time);

        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ChatCallFailedException>(() => client.GetResponseAsync("hi"));
        }

        ChatCallFailedException open = await Assert.ThrowsAsync<ChatCallFailedException>(() => client.GetResponseAsync("hi"));
        Assert.True(open.CircuitOpen);
        Assert.Equal("The call was not made: the circuit is open after repeated failures; the last failure: HttpRequestException: Connection refused (127.0.0.1:2)", open.Message);
        Assert.IsType<HttpRequestException>(open.InnerException);
        Assert.Equal(3, inner.Requests.Count);

        // After the break, a trial call goes through and closes the circuit.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("after the break", (await client.GetResponseAsync("hi")).Text);
    }

    [Fact]
    public async Task CircuitBreaker_Throttling_NeverOpensIt()
    {
        var inner = new ScriptedChatClient();
        for (int i = 0; i < 6; i++)
        {
            inner.Throw(new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests));
        }

        inner.Reply("served");
        var options = new ChatResilienceOptions { MaxRetries = 0, CircuitBreakerMinimumThroughput = 2 };
        using var client = new ResilientChatClient(inner, options, new FakeTimeProvider());

        for (int i = 0; i < 6; i++)
        {
            Assert.False((await Assert.ThrowsAsync<ChatCallFailedException>(() => client.GetResponseAsync("hi"))).CircuitOpen);
        }

        Assert.Equal("served", (await client.GetResponseAsync("hi")).Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureBeforeFirstUpdate_RetriedAndCounted()
    {
        var time = new RecordingTimeProvider();
        var inner = new ScriptedChatClient().Throw(Throttled(TimeSpan.FromSeconds(3))).Reply("streamed reply");
        using var client = new ResilientChatClient(inner, Options, time);

        Task<ChatResponse> call = client.GetStreamingResponseAsync("hi").ToChatResponseAsync();
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(3)));
        time.Advance(TimeSpan.FromSeconds(3));

        ChatResponse response = await call.WaitAsync(Bound);
        Assert.Equal("streamed reply", response.Text);
        Assert.Equal(2, inner.Requests.Count);
        Assert.Equal(new ChatCallResilience(1, 0, TimeSpan.FromSeconds(3)), ChatCallResilience.FromResponse(response));
    }

    [Fact]
    public async Task UseResilience_TakesOptionsClockAndLoggerFromTheContainer()
    {
        var time = new RecordingTimeProvider();
        var loggers = new ListLoggerFactory();
        var inner = new ScriptedChatClient().Throw(Throttled(TimeSpan.FromSeconds(40))).Reply("ok");
        await using ServiceProvider services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<ILoggerFactory>(loggers)
            .AddAlchemist()
            .ConfigureResilience(o => o.MaxRetryAfter = TimeSpan.FromSeconds(30))
            .UseChatClient(_ => inner, p => p.UseResilience(o => o.UseCircuitBreaker = false))
            .Services.BuildServiceProvider();
        IChatClient client = services.GetRequiredKeyedService<IChatClient>(AlchemistBuilder.ChatClientKey);

        Task<ChatResponse> call = client.GetResponseAsync("hi");
        await time.WaitForTimersAsync(waits => waits.Contains(TimeSpan.FromSeconds(30)));
        await AdvanceAndCheckNoRequestAsync(time, TimeSpan.FromSeconds(29), inner, 1);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(30), ChatCallResilience.FromResponse(await call.WaitAsync(Bound)).RetryDelay);
        Assert.NotNull(client.GetService<ResilientChatClient>());
        Assert.Contains(loggers.Logger.Messages, m => m.StartsWith("Chat call failed; retry 1 of 3 in 00:00:30.", StringComparison.Ordinal));
    }

    [Fact]
    public void Ctor_InvalidOptions_NamesEveryProblem()
    {
        var options = new ChatResilienceOptions { MaxRetries = 21, BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(5), CircuitBreakerFailureRatio = 0 };
        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => new ResilientChatClient(new ScriptedChatClient(), options));
        Assert.Contains("MaxRetries", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CircuitBreakerFailureRatio", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ChatResilienceOptions.MaxDelay is 00:00:05; it must be at least BaseDelay (00:00:10).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigureResilience_InvalidOptions_FailStartupValidation()
    {
        await using ServiceProvider services = new ServiceCollection()
            .AddAlchemist()
            .ConfigureResilience(o => o.AttemptTimeout = TimeSpan.Zero)
            .Services.BuildServiceProvider();

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(
            () => services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.Contains(ex.Failures, f => f.Contains("AttemptTimeout", StringComparison.Ordinal));
    }

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
        Assert.Equal(transient, ChatResilienceOptions.IsTransient(exception));

    [Theory]
    [InlineData("12", 12.0)]
    [InlineData(" 0.5 ", 0.5)]
    [InlineData("Sat, 01 Mar 2025 12:00:30 GMT", 30.0)]
    [InlineData("Sat, 01 Mar 2025 11:00:00 GMT", 0.0)]
    [InlineData("soon", null)]
    [InlineData("-3", null)]
    [InlineData("", null)]
    public void ParseRetryAfter_ReadsSecondsOrADate(string value, double? seconds) =>
        Assert.Equal(
            seconds is double s ? TimeSpan.FromSeconds(s) : null,
            ChatResilienceOptions.ParseRetryAfter(value, new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void GetRetryAfter_FindsTheHintInAnInnerException()
    {
        HttpRequestException throttled = Throttled(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), ChatResilienceOptions.GetRetryAfter(new InvalidOperationException("sdk", throttled)));
        Assert.Null(ChatResilienceOptions.GetRetryAfter(new InvalidOperationException("none")));
    }

    internal static HttpRequestException Throttled(TimeSpan retryAfter)
    {
        var ex = new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests);
        ex.Data[ChatResilienceOptions.RetryAfterDataKey] = retryAfter;
        return ex;
    }

    /// <summary>Advances the clock and checks, after letting timers' continuations run, that no further request was made.</summary>
    private static async Task AdvanceAndCheckNoRequestAsync(FakeTimeProvider time, TimeSpan by, ScriptedChatClient inner, int expected)
    {
        await Task.Delay(20);
        time.Advance(by);
        await Task.Delay(20);
        Assert.Equal(expected, inner.Requests.Count);
    }

    /// <summary>Captures log messages and the waits of the retries.</summary>
    internal sealed class ListLogger : ILogger
    {
        private readonly List<string> _messages = [];
        private readonly List<TimeSpan> _retries = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public IReadOnlyList<TimeSpan> Retries
        {
            get
            {
                lock (_messages)
                {
                    return [.. _retries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
                if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "Delay").Value is TimeSpan delay &&
                    values.Any(v => v.Key == "MaxRetries"))
                {
                    _retries.Add(delay);
                }
            }
        }
    }

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public ListLogger Logger { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => Logger;

        public void Dispose()
        {
        }
    }
}
