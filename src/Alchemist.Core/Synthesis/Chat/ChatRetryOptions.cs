using System.Net;
using System.Net.Sockets;

namespace Alchemist;

/// <summary>Represents the options of a <see cref="RetryingChatClient"/>: how many times, how long to wait, and which failures are transient.</summary>
public sealed class ChatRetryOptions
{
    /// <summary>Gets or sets the largest number of retries after the first attempt.</summary>
    /// <value>The default is 3. Allowed: 0 to 20.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; each further retry waits twice as long as the one before.</summary>
    /// <value>The default is 1 second. Must be positive.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between two attempts.</summary>
    /// <value>The default is 30 seconds. Must be at least <see cref="InitialDelay"/>.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the test of whether a failure is worth retrying; <see langword="null"/> for <see cref="IsTransient"/>.</summary>
    /// <remarks>A cancellation requested by the caller is never retried, whatever this returns.</remarks>
    public Func<Exception, bool>? ShouldRetry { get; set; }

    /// <summary>Gets the wait before a retry: <see cref="InitialDelay"/> doubled for each earlier retry, at most <see cref="MaxDelay"/>.</summary>
    /// <param name="retry">The retry, 1 for the first.</param>
    /// <returns>The wait.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is less than 1.</exception>
    public TimeSpan GetDelay(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        double ticks = InitialDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 62));
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Determines whether a failure is transient: a network error, a timeout, or an HTTP status of 408, 429 or 5xx, here or in an inner exception.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when a retry may succeed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case HttpRequestException http:
                    return http.StatusCode is not HttpStatusCode status || IsTransientStatus((int)status);
                case TimeoutException or IOException or SocketException:
                    return true;
                case OperationCanceledException:
                    // The caller's own cancellation is filtered out before this test; what is left is a timeout.
                    return true;
            }
        }

        return false;
    }

    /// <summary>Determines whether an HTTP status is worth retrying: 408 (timeout), 429 (throttled) or 5xx (server error).</summary>
    /// <param name="statusCode">The status code.</param>
    /// <returns><see langword="true"/> for 408, 429 and 500 to 599.</returns>
    public static bool IsTransientStatus(int statusCode) => statusCode is 408 or 429 or (>= 500 and <= 599);

    internal void Validate()
    {
        if (MaxRetries is < 0 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "ChatRetryOptions.MaxRetries must be between 0 and 20.");
        }

        if (InitialDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "ChatRetryOptions.InitialDelay must be positive.");
        }

        if (MaxDelay < InitialDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "ChatRetryOptions.MaxDelay must be at least InitialDelay.");
        }
    }

    internal ChatRetryOptions Clone() => new()
    {
        MaxRetries = MaxRetries,
        InitialDelay = InitialDelay,
        MaxDelay = MaxDelay,
        ShouldRetry = ShouldRetry,
    };
}
