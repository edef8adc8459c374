namespace Alchemist;

/// <summary>Represents the calls, tokens and cost of one model in a <see cref="CostSummary"/>.</summary>
/// <param name="ModelId">The model id, or <c>(unknown)</c> for calls whose model was not named.</param>
/// <param name="Calls">The number of calls.</param>
/// <param name="InputTokens">The input tokens of those calls.</param>
/// <param name="OutputTokens">The output tokens of those calls.</param>
/// <param name="CostUsd">Their cost in US dollars, or <see langword="null"/> when the model has no price.</param>
public sealed record ModelCost(string ModelId, int Calls, long InputTokens, long OutputTokens, decimal? CostUsd);
