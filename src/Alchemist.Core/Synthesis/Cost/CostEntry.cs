namespace Alchemist;

/// <summary>Represents one chat call in a <see cref="CostLedger"/>: what it was for, the model, its tokens and its price.</summary>
/// <param name="Purpose">What the call was for, such as <c>program</c>, <c>repair</c> or <c>prior-knowledge</c>.</param>
/// <param name="ModelId">The model that answered, or <see langword="null"/> when neither the reply nor the client named it.</param>
/// <param name="InputTokens">The input tokens the provider reported; 0 when it reported none.</param>
/// <param name="OutputTokens">The output tokens the provider reported; 0 when it reported none.</param>
/// <param name="CostUsd">The cost in US dollars, or <see langword="null"/> when the ledger has no price for the model.</param>
/// <param name="UsageReported">Whether the provider reported token usage for the call.</param>
public sealed record CostEntry(string Purpose, string? ModelId, long InputTokens, long OutputTokens, decimal? CostUsd, bool UsageReported);
