using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace Alchemist;

/// <summary>Represents the options of a <see cref="ResilientChatClient"/>: retries with backoff, the provider's <c>Retry-After</c>, the per-attempt timeout and the circuit breaker.</summary>
/// <remarks>
/// <para>
/// Validated with data annotations (a source-generated validator) when a <see cref="ResilientChatClient"/> is created,
/// whether with <see langword="new"/> or with <see cref="ResilientChatClientBuilderExtensions.UseResilience"/>; every
/// problem is named in one <see cref="ArgumentException"/>.
/// </para>
/// <para>
/// A failed attempt is retried when <see cref="ShouldRetry"/> says it is transient, at most <see cref="MaxRetries"/>
/// times. The wait before a retry is the provider's <c>Retry-After</c> when it sent one (cut to
/// <see cref="MaxRetryAfter"/>), else an exponential backoff with jitter around <see cref="BaseDelay"/>, doubling per
/// retry, at most <see cref="MaxDelay"/>.
/// </para>
/// </remarks>
public sealed class ChatResilienceOptions : IValidatableObject
{
    /// <summary>The key under which a provider's <c>Retry-After</c> is stored in <see cref="Exception.Data"/> for <see cref="GetRetryAfter"/> to find.</summary>
    public const string RetryAfterDataKey = "Retry-After";

    /// <summary>Gets or sets the largest number of retries after the first attempt.</summary>
    /// <value>The default is 3. Allowed: 0 to 20.</value>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the median wait before the first retry; each further retry waits about twice as long, with jitter.</summary>
    /// <value>The default is 2 seconds. Allowed: 10 milliseconds to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest backoff between two attempts.</summary>
    /// <value>The default is 30 seconds. Allowed: 10 milliseconds to 1 hour, and at least <see cref="BaseDelay"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest wait a provider's <c>Retry-After</c> is honoured for; a longer one is cut to this.</summary>
    /// <value>The default is 60 seconds. Allowed: 10 milliseconds to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the longest one attempt (one request to the provider) may take before it is cancelled and counted as a timeout.</summary>
    /// <value>The default is 120 seconds. Allowed: 10 milliseconds to 1 hour.</value>
    /// <remarks>A timed-out attempt is retried like any transient failure. For a streaming call, the timeout runs until the first update.</remarks>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets a value indicating whether a circuit breaker stops calling a provider that keeps failing.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    /// <remarks>
    /// While the circuit is open, calls fail at once with a <see cref="ChatCallFailedException"/> naming the last failure,
    /// and are not retried; after <see cref="CircuitBreakDuration"/> one trial call decides whether it closes. Throttling
    /// (HTTP 429) never opens it: a rate limit is waited out, not a sign that the provider is down.
    /// </remarks>
    public bool UseCircuitBreaker { get; set; } = true;

    /// <summary>Gets or sets the share of failed attempts, among at least <see cref="CircuitBreakerMinimumThroughput"/> within <see cref="CircuitBreakerSamplingDuration"/>, that opens the circuit.</summary>
    /// <value>The default is 0.8. Allowed: 0.01 to 1.</value>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.8;

    /// <summary>Gets or sets the smallest number of attempts within <see cref="CircuitBreakerSamplingDuration"/> before the circuit may open.</summary>
    /// <value>The default is 5. Allowed: 2 to 1,000.</value>
    [Range(2, 1_000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 5;

    /// <summary>Gets or sets the window over which the failure ratio is measured.</summary>
    /// <value>The default is 60 seconds. Allowed: 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long the circuit stays open before a trial call.</summary>
    /// <value>The default is 30 seconds. Allowed: 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the test of whether a failure is worth retrying (and counts toward the circuit breaker); <see langword="null"/> for <see cref="IsTransient"/>.</summary>
    /// <remarks>A cancellation requested by the caller is never retried, whatever this returns; a timed-out attempt always is.</remarks>
    public Func<Exception, bool>? ShouldRetry { get; set; }

    /// <summary>Gets or sets how the provider's <c>Retry-After</c> is read from a failure; <see langword="null"/> for <see cref="GetRetryAfter"/>.</summary>
    /// <remarks>Return <see langword="null"/> when the failure carries none; the backoff is used then.</remarks>
    public Func<Exception, TimeSpan?>? RetryAfter { get; set; }

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

    /// <summary>Finds a provider's <c>Retry-After</c> in a failure: a <see cref="TimeSpan"/> stored under <see cref="RetryAfterDataKey"/> in the <see cref="Exception.Data"/> of the failure or of an inner exception.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The wait the provider asked for, or <see langword="null"/> when it asked for none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    /// <remarks>An HTTP handler that sees a <c>Retry-After</c> header can store it there before the SDK wraps the failure.</remarks>
    public static TimeSpan? GetRetryAfter(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current.Data[RetryAfterDataKey] is TimeSpan delay && delay >= TimeSpan.Zero)
            {
                return delay;
            }
        }

        return null;
    }

    /// <summary>Parses the value of a <c>Retry-After</c> header: a number of seconds, or an HTTP date (then the wait from <paramref name="now"/>).</summary>
    /// <param name="value">The header value.</param>
    /// <param name="now">The current time, for a date.</param>
    /// <returns>The wait, or <see langword="null"/> when the value is neither; a date in the past gives zero.</returns>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds))
        {
            return seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset date))
        {
            TimeSpan wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult(
                $"ChatResilienceOptions.MaxDelay is {MaxDelay}; it must be at least BaseDelay ({BaseDelay}).",
                [nameof(MaxDelay)]);
        }
    }

    /// <summary>Copies the options: the resilience pipeline of a client is built from them once, and a configure callback adjusts a copy, not the container's.</summary>
    internal ChatResilienceOptions Snapshot() => (ChatResilienceOptions)MemberwiseClone();
}
