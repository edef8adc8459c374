using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Alchemist;

/// <summary>A chat-client middleware that makes calls resilient with Polly: retries with exponential backoff and jitter, the provider's <c>Retry-After</c>, a per-attempt timeout and a circuit breaker.</summary>
/// <remarks>
/// <para>
/// The strategies, outermost first: retry (transient failures and timeouts, at most
/// <see cref="ChatResilienceOptions.MaxRetries"/> times; the wait is the provider's <c>Retry-After</c> capped by
/// <see cref="ChatResilienceOptions.MaxRetryAfter"/>, else exponential backoff with jitter), circuit breaker (opens
/// after repeated failures, throttling excepted; an open circuit fails calls at once and is not retried), and the
/// per-attempt timeout (<see cref="ChatResilienceOptions.AttemptTimeout"/>). Every wait and timeout goes through the
/// <see cref="TimeProvider"/>, so tests can use a fake clock.
/// </para>
/// <para>
/// A successful call carries its retries, timeouts and waits in the response's
/// <see cref="ChatResponse.AdditionalProperties"/> (see <see cref="ChatCallResilience"/>); a call that fails for good
/// throws a <see cref="ChatCallFailedException"/> with the same figures and the provider's last failure as its inner
/// exception. The caller's own cancellation is never retried and surfaces as an <see cref="OperationCanceledException"/>.
/// A streaming call is retried only when it fails before its first update, and its timeout runs until that update.
/// </para>
/// <para>
/// Add it with <see cref="ResilientChatClientBuilderExtensions.UseResilience"/>, outside (before) a recording or caching
/// middleware so that only the final outcome is recorded. The circuit's state belongs to this instance. Thread-safe
/// when the inner client is.
/// </para>
/// </remarks>
public sealed partial class ResilientChatClient : DelegatingChatClient
{
    private static readonly ResiliencePropertyKey<CallState> StateKey = new("Alchemist.ChatCall");
    private readonly ChatResilienceOptions _options;
    private readonly Func<Exception, bool> _shouldRetry;
    private readonly Func<Exception, TimeSpan?> _retryAfter;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private Exception? _lastFailure;

    /// <summary>Initializes a new instance of the <see cref="ResilientChatClient"/> class.</summary>
    /// <param name="innerClient">The client to call.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. A copy is taken.</param>
    /// <param name="timeProvider">The clock of the waits and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs each retry and timeout at Warning level, and the circuit opening at Error level.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not valid; the message names every problem.</exception>
    public ResilientChatClient(IChatClient innerClient, ChatResilienceOptions? options = null, TimeProvider? timeProvider = null, ILogger<ResilientChatClient>? logger = null)
        : this(innerClient, options, timeProvider, logger, randomizer: null)
    {
    }

    /// <summary>Gets the options the client's resilience pipeline was built with.</summary>
    internal ChatResilienceOptions Options => _options;

    /// <summary>Initializes a new instance of the <see cref="ResilientChatClient"/> class with a fixed jitter, for tests.</summary>
    internal ResilientChatClient(IChatClient innerClient, ChatResilienceOptions? options, TimeProvider? timeProvider, ILogger? logger, Func<double>? randomizer)
        : base(innerClient)
    {
        // The resilience pipeline is built from the options once, here, so the client keeps the values it was built with.
        _options = OptionsValidation.ThrowIfInvalid(new ChatResilienceOptionsValidator(), (options ?? new ChatResilienceOptions()).Snapshot(), nameof(options));

        _shouldRetry = _options.ShouldRetry ?? ChatResilienceOptions.IsTransient;
        _retryAfter = _options.RetryAfter ?? ChatResilienceOptions.GetRetryAfter;
        _logger = logger ?? NullLogger.Instance;
        _pipeline = BuildPipeline(timeProvider ?? TimeProvider.System, randomizer);
    }

    /// <inheritdoc />
    /// <exception cref="ChatCallFailedException">The call failed for good; the inner exception is the provider's last failure.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = new ResponseCall(this, [.. messages], options);
        var state = new CallState();
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(StateKey, state);
            Outcome<ChatResponse> outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, c) =>
                {
                    try
                    {
                        return Outcome.FromResult(await c.Owner.SendAsync(c.Messages, c.Options, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        c.Owner.NoteFailure(ex, ctx.CancellationToken);
                        return Outcome.FromException<ChatResponse>(ex);
                    }
                },
                context,
                call).ConfigureAwait(false);

            if (outcome.Exception is Exception failure)
            {
                throw GiveUp(failure, state, cancellationToken);
            }

            ChatResponse response = outcome.Result!;
            state.ToResilience().WriteTo(response);
            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ChatCallFailedException">The call failed for good before its first update.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = new StreamingCall(this, [.. messages], options, cancellationToken);
        var state = new CallState();
        StreamStart start;
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(StateKey, state);
            Outcome<StreamStart> outcome = await _pipeline.ExecuteOutcomeAsync(static (ctx, c) => c.Owner.StartStreamAsync(c, ctx), context, call).ConfigureAwait(false);
            if (outcome.Exception is Exception failure)
            {
                throw GiveUp(failure, state, cancellationToken);
            }

            start = outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (start.Cancellation)
        {
            await using (start.Updates.ConfigureAwait(false))
            {
                if (!start.Any)
                {
                    yield break;
                }

                ChatResponseUpdate first = start.Updates.Current;
                ChatCallResilience resilience = state.ToResilience();
                if (!resilience.IsEmpty)
                {
                    resilience.WriteTo(first.AdditionalProperties ??= []);
                }

                yield return first;
                while (await start.Updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return start.Updates.Current;
                }
            }
        }
    }

    private Task<ChatResponse> SendAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        base.GetResponseAsync(messages, options, cancellationToken);

    private IAsyncEnumerable<ChatResponseUpdate> SendStreamingAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        base.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <summary>One streaming attempt up to its first update. The stream runs on a token of its own (the caller's, plus this attempt's timeout until the first update), because the pipeline's timeout token is pooled and reused once the attempt returns.</summary>
    private async ValueTask<Outcome<StreamStart>> StartStreamAsync(StreamingCall call, ResilienceContext context)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(call.CallerToken);
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            bool any;
            await using (context.CancellationToken.Register(static c => ((CancellationTokenSource)c!).Cancel(), cancellation).ConfigureAwait(false))
            {
                updates = SendStreamingAsync(call.Messages, call.Options, cancellation.Token).GetAsyncEnumerator(cancellation.Token);
                any = await updates.MoveNextAsync().ConfigureAwait(false);
            }

            if (cancellation.IsCancellationRequested)
            {
                // The timeout fired just as the first update arrived; the stream is cancelled, so it counts as a timeout.
                throw new OperationCanceledException(context.CancellationToken);
            }

            return Outcome.FromResult(new StreamStart(updates, any, cancellation));
        }
        catch (Exception ex)
        {
            NoteFailure(ex, context.CancellationToken);
            if (updates is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            cancellation.Dispose();
            return Outcome.FromException<StreamStart>(ex);
        }
    }

    private ResiliencePipeline BuildPipeline(TimeProvider timeProvider, Func<double>? randomizer)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (_options.MaxRetries > 0)
        {
            var retry = new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryDelay(args.Outcome.Exception, args.AttemptNumber)),
                OnRetry = args =>
                {
                    CallState state = args.Context.Properties.GetValue(StateKey, CallState.None);
                    state.Retries++;
                    state.RetryDelay += args.RetryDelay;
                    Exception? failure = args.Outcome.Exception;
                    LogRetry(args.AttemptNumber + 1, _options.MaxRetries, args.RetryDelay, failure?.GetType().Name ?? "none", failure?.Message ?? string.Empty);
                    return ValueTask.CompletedTask;
                },
            };
            if (randomizer is not null)
            {
                retry.Randomizer = randomizer;
            }

            builder.AddRetry(retry);
        }

        if (_options.UseCircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = _options.CircuitBreakerFailureRatio,
                MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
                SamplingDuration = _options.CircuitBreakerSamplingDuration,
                BreakDuration = _options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(CountsAgainstCircuit(args.Outcome.Exception, args.Context.CancellationToken)),
                OnOpened = args =>
                {
                    LogCircuitOpened(args.BreakDuration, Volatile.Read(ref _lastFailure)?.Message ?? "unknown");
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = _options.AttemptTimeout,
            OnTimeout = args =>
            {
                args.Context.Properties.GetValue(StateKey, CallState.None).Timeouts++;
                Volatile.Write(ref _lastFailure, new TimeoutException($"The provider did not answer within {Seconds(args.Timeout)}."));
                LogTimeout(args.Timeout);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    private bool ShouldRetry(Exception? failure, CancellationToken callerToken) =>
        failure is not null && !callerToken.IsCancellationRequested && failure is not BrokenCircuitException &&
        (failure is TimeoutRejectedException || _shouldRetry(failure));

    /// <summary>Whether a failure counts toward opening the circuit: a retryable failure or a timeout, but not throttling, which is waited out.</summary>
    private bool CountsAgainstCircuit(Exception? failure, CancellationToken callerToken) =>
        failure is not null && !callerToken.IsCancellationRequested &&
        (failure is TimeoutRejectedException || (_shouldRetry(failure) && !IsThrottled(failure)));

    private bool IsThrottled(Exception failure)
    {
        for (Exception? current = failure; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests })
            {
                return true;
            }
        }

        return _retryAfter(failure) is not null;
    }

    /// <summary>The provider's <c>Retry-After</c>, capped; <see langword="null"/> leaves the wait to the backoff.</summary>
    private TimeSpan? RetryDelay(Exception? failure, int attempt)
    {
        if (failure is null || _retryAfter(failure) is not TimeSpan asked)
        {
            return null;
        }

        TimeSpan delay = asked > _options.MaxRetryAfter ? _options.MaxRetryAfter : asked;
        LogRetryAfter(attempt + 1, asked, delay);
        return delay;
    }

    private void NoteFailure(Exception failure, CancellationToken attemptToken)
    {
        // A cancelled attempt is the caller's doing or a timeout, which OnTimeout notes with a clearer message.
        if (!(failure is OperationCanceledException && attemptToken.IsCancellationRequested))
        {
            Volatile.Write(ref _lastFailure, failure);
        }
    }

    private Exception GiveUp(Exception failure, CallState state, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            if (failure is OperationCanceledException)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }

            return new OperationCanceledException(callerToken);
        }

        ChatCallResilience resilience = state.ToResilience();
        int attempts = resilience.Retries + 1;
        string figures = Figures(resilience);
        if (failure is BrokenCircuitException)
        {
            Exception? last = Volatile.Read(ref _lastFailure);
            string message = $"The call was not made: the circuit is open after repeated failures{(resilience.Retries > 0 ? $" ({figures} before it opened)" : string.Empty)}; the last failure: {Describe(last ?? failure)}";
            return new ChatCallFailedException(message, last ?? failure, resilience, circuitOpen: true);
        }

        string reason = failure is TimeoutRejectedException
            ? $"no answer within {Seconds(_options.AttemptTimeout)}"
            : Describe(failure);
        return new ChatCallFailedException(
            $"The call failed after {attempts} attempt{(attempts == 1 ? string.Empty : "s")}{(figures.Length > 0 ? $" ({figures})" : string.Empty)}: {reason}",
            failure,
            resilience,
            circuitOpen: false);
    }

    private static string Figures(ChatCallResilience resilience)
    {
        var parts = new List<string>(2);
        if (resilience.Retries > 0)
        {
            parts.Add($"{resilience.Retries} {(resilience.Retries == 1 ? "retry" : "retries")}, {Seconds(resilience.RetryDelay)} waited");
        }

        if (resilience.Timeouts > 0)
        {
            parts.Add($"{resilience.Timeouts} timeout{(resilience.Timeouts == 1 ? string.Empty : "s")}");
        }

        return string.Join(", ", parts);
    }

    private static string Describe(Exception failure) => $"{failure.GetType().Name}: {failure.Message}";

    private static string Seconds(TimeSpan value) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###} s");

    [LoggerMessage(LogLevel.Warning, "Chat call failed; retry {Retry} of {MaxRetries} in {Delay}. {ExceptionType}: {Message}")]
    private partial void LogRetry(int retry, int maxRetries, TimeSpan delay, string exceptionType, string message);

    [LoggerMessage(LogLevel.Information, "The provider asked to retry after {Asked}; retry {Retry} waits {Delay}.")]
    private partial void LogRetryAfter(int retry, TimeSpan asked, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Chat call attempt timed out after {Timeout}.")]
    private partial void LogTimeout(TimeSpan timeout);

    [LoggerMessage(LogLevel.Error, "The circuit opened for {BreakDuration} after repeated chat call failures; the last: {Message}")]
    private partial void LogCircuitOpened(TimeSpan breakDuration, string message);

    /// <summary>What happened to one call so far; the pipeline's callbacks run one at a time for a call.</summary>
    private sealed class CallState
    {
        public static readonly CallState None = new();

        public int Retries { get; set; }

        public int Timeouts { get; set; }

        public TimeSpan RetryDelay { get; set; }

        public ChatCallResilience ToResilience() => new(Retries, Timeouts, RetryDelay);
    }

    private sealed record ResponseCall(ResilientChatClient Owner, ChatMessage[] Messages, ChatOptions? Options);

    private sealed record StreamingCall(ResilientChatClient Owner, ChatMessage[] Messages, ChatOptions? Options, CancellationToken CallerToken);

    private sealed record StreamStart(IAsyncEnumerator<ChatResponseUpdate> Updates, bool Any, CancellationTokenSource Cancellation);
}
