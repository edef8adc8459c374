namespace Alchemist;

/// <summary>Represents one chat call in a <see cref="CostLedger"/>: what it was for, the model, its tokens and its price.</summary>
/// <param name="Purpose">What the call was for, such as <c>program</c>, <c>repair</c> or <c>prior-knowledge</c>.</param>
/// <param name="ModelId">The model that answered, or <see langword="null"/> when neither the reply nor the client named it.</param>
/// <param name="InputTokens">The input tokens the provider reported; 0 when it reported none.</param>
/// <param name="OutputTokens">The output tokens the provider reported; 0 when it reported none.</param>
/// <param name="CostUsd">The cost in US dollars, or <see langword="null"/> when the ledger has no price for the model.</param>
/// <param name="UsageReported">Whether the provider reported token usage for the call.</param>
public sealed record CostEntry(string Purpose, string? ModelId, long InputTokens, long OutputTokens, decimal? CostUsd, bool UsageReported)
{
    /// <summary>Gets a value indicating whether the call failed for good (after its retries), so that it has no reply, no tokens and no cost.</summary>
    public bool Failed { get; init; }

    /// <summary>Gets the retries the call needed after its first attempt (see <see cref="ResilientChatClient"/>).</summary>
    public int Retries { get; init; }

    /// <summary>Gets the attempts of the call that timed out.</summary>
    public int Timeouts { get; init; }

    /// <summary>Gets the total wait between the call's attempts, the provider's <c>Retry-After</c> and backoff included.</summary>
    public TimeSpan RetryDelay { get; init; }
}
