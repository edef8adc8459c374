namespace Alchemist;

/// <summary>Represents the totals of a <see cref="CostLedger"/>: calls, tokens and cost, overall and per model.</summary>
/// <param name="Calls">The number of calls recorded.</param>
/// <param name="CallsWithoutUsage">The number of calls whose provider reported no token usage; their tokens count as 0.</param>
/// <param name="InputTokens">The input tokens of every call.</param>
/// <param name="OutputTokens">The output tokens of every call.</param>
/// <param name="CostUsd">The cost in US dollars of the calls to priced models.</param>
/// <param name="Models">The totals per model, ordered by model id.</param>
/// <param name="UnpricedModels">The models that were called but have no price; <see cref="CostUsd"/> leaves their calls out.</param>
public sealed record CostSummary(
    int Calls,
    int CallsWithoutUsage,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd,
    IReadOnlyList<ModelCost> Models,
    IReadOnlyList<string> UnpricedModels)
{
    /// <summary>Gets a value indicating whether every call was priced, so that <see cref="CostUsd"/> is the whole cost.</summary>
    public bool IsComplete => UnpricedModels.Count == 0;
}
