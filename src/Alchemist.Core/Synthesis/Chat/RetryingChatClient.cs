using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alchemist;

/// <summary>A chat-client middleware that retries transient failures (network errors, timeouts, HTTP 408, 429 and 5xx) with exponential backoff.</summary>
/// <remarks>
/// <para>
/// Add it to a pipeline with <see cref="RetryingChatClientBuilderExtensions.UseRetry"/>. Waits go through the
/// <see cref="TimeProvider"/>, so tests can use a fake clock. A streaming call is retried only when it fails before
/// its first update; after that, the failure reaches the caller. The caller's own cancellation is never retried.
/// When the retries are used up, the last failure reaches the caller.
/// </para>
/// <para>Thread-safe when the inner client is.</para>
/// </remarks>
public sealed partial class RetryingChatClient : DelegatingChatClient
{
    private readonly ChatRetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="RetryingChatClient"/> class.</summary>
    /// <param name="innerClient">The client to call.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. A copy is taken.</param>
    /// <param name="timeProvider">The clock of the waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs each retry at Warning level.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RetryingChatClient(IChatClient innerClient, ChatRetryOptions? options = null, TimeProvider? timeProvider = null, ILogger<RetryingChatClient>? logger = null)
        : base(innerClient)
    {
        _options = (options ?? new ChatRetryOptions()).Clone();
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ChatMessage[] conversation = [.. messages];
        for (int retry = 1; ; retry++)
        {
            try
            {
                return await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (CanRetry(ex, retry, cancellationToken))
            {
                await WaitAsync(ex, retry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ChatMessage[] conversation = [.. messages];
        for (int retry = 1; ; retry++)
        {
            IAsyncEnumerator<ChatResponseUpdate> updates = base.GetStreamingResponseAsync(conversation, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool any;
            Exception? failure = null;
            try
            {
                any = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (CanRetry(ex, retry, cancellationToken))
            {
                any = false;
                failure = ex;
            }

            if (failure is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
                await WaitAsync(failure, retry, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (updates.ConfigureAwait(false))
            {
                if (!any)
                {
                    yield break;
                }

                yield return updates.Current;
                while (await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return updates.Current;
                }
            }

            yield break;
        }
    }

    private bool CanRetry(Exception exception, int retry, CancellationToken cancellationToken) =>
        retry <= _options.MaxRetries &&
        !cancellationToken.IsCancellationRequested &&
        (_options.ShouldRetry ?? ChatRetryOptions.IsTransient)(exception);

    private Task WaitAsync(Exception exception, int retry, CancellationToken cancellationToken)
    {
        TimeSpan delay = _options.GetDelay(retry);
        LogRetry(retry, _options.MaxRetries, delay, exception.GetType().Name, exception.Message);
        return Task.Delay(delay, _timeProvider, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Chat call failed; retry {Retry} of {MaxRetries} in {Delay}. {ExceptionType}: {Message}")]
    private partial void LogRetry(int retry, int maxRetries, TimeSpan delay, string exceptionType, string message);
}
