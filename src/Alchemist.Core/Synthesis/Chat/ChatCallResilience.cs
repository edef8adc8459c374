using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Represents what a <see cref="ResilientChatClient"/> did for one chat call: how many attempts it retried, how many timed out, and how long it waited between them.</summary>
/// <param name="Retries">The retries after the first attempt.</param>
/// <param name="Timeouts">The attempts cancelled by the per-attempt timeout.</param>
/// <param name="RetryDelay">The total wait between attempts, <c>Retry-After</c> and backoff included.</param>
/// <remarks>
/// A successful call carries it in the response's <see cref="ChatResponse.AdditionalProperties"/> (under
/// <see cref="RetriesKey"/>, <see cref="TimeoutsKey"/> and <see cref="RetryDelaySecondsKey"/>, only when there was a
/// retry or a timeout); a call that gave up carries it in its <see cref="ChatCallFailedException"/>. The synthesizer
/// reads it with <see cref="FromResponse"/> and <see cref="FromException"/> and records it in its
/// <see cref="CostLedger"/>.
/// </remarks>
public readonly record struct ChatCallResilience(int Retries, int Timeouts, TimeSpan RetryDelay)
{
    /// <summary>The key of the retry count in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string RetriesKey = "alchemist.retries";

    /// <summary>The key of the timeout count in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string TimeoutsKey = "alchemist.timeouts";

    /// <summary>The key of the total wait between attempts, in seconds, in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string RetryDelaySecondsKey = "alchemist.retryDelaySeconds";

    /// <summary>Gets a value indicating whether the call needed neither a retry nor had a timeout.</summary>
    public bool IsEmpty => Retries == 0 && Timeouts == 0 && RetryDelay == TimeSpan.Zero;

    /// <summary>Reads what a resilient client recorded on a response; empty when it recorded nothing.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The retries, timeouts and wait of the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    /// <remarks>Values that went through a cache's JSON serialization are read too.</remarks>
    public static ChatCallResilience FromResponse(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        AdditionalPropertiesDictionary? properties = response.AdditionalProperties;
        if (properties is null)
        {
            return default;
        }

        return new ChatCallResilience(
            (int)Number(properties, RetriesKey),
            (int)Number(properties, TimeoutsKey),
            TimeSpan.FromSeconds(Number(properties, RetryDelaySecondsKey)));
    }

    /// <summary>Reads what a resilient client recorded on a failure: the <see cref="ChatCallFailedException"/> here or among the inner exceptions; empty for any other failure.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The retries, timeouts and wait of the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static ChatCallResilience FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is ChatCallFailedException failed)
            {
                return failed.Resilience;
            }
        }

        return default;
    }

    /// <summary>Writes these figures on a response, under the keys <see cref="FromResponse"/> reads; nothing when they are empty.</summary>
    /// <param name="response">The response.</param>
    internal void WriteTo(ChatResponse response)
    {
        if (!IsEmpty)
        {
            WriteTo(response.AdditionalProperties ??= []);
        }
    }

    /// <summary>Writes these figures in a property bag, under the keys <see cref="FromResponse"/> reads.</summary>
    /// <param name="properties">The properties.</param>
    internal void WriteTo(AdditionalPropertiesDictionary properties)
    {
        properties[RetriesKey] = Retries;
        properties[TimeoutsKey] = Timeouts;
        properties[RetryDelaySecondsKey] = Math.Round(RetryDelay.TotalSeconds, 3);
    }

    private static double Number(AdditionalPropertiesDictionary properties, string key) =>
        properties.TryGetValue(key, out object? value) ? value switch
        {
            int i => i,
            long l => l,
            double d => d,
            float f => f,
            decimal m => (double)m,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            _ => 0,
        } : 0;
}
