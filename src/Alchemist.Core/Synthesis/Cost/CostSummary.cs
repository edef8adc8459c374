namespace Alchemist;

/// <summary>Represents the totals of a <see cref="CostLedger"/>: calls, tokens and cost, overall and per model.</summary>
/// <param name="Calls">The number of calls recorded, failed ones included.</param>
/// <param name="CallsWithoutUsage">The number of calls that were answered but whose provider reported no token usage; their tokens count as 0.</param>
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
    /// <summary>Gets the number of calls that failed for good (after their retries); they are counted in <see cref="Calls"/> with no tokens.</summary>
    public int FailedCalls { get; init; }

    /// <summary>Gets the retries of every call, after their first attempts.</summary>
    public int Retries { get; init; }

    /// <summary>Gets the attempts that timed out, over every call.</summary>
    public int Timeouts { get; init; }

    /// <summary>Gets the total wait between attempts over every call (calls made concurrently wait at the same time, so this can exceed the run's duration).</summary>
    public TimeSpan RetryDelay { get; init; }

    /// <summary>Gets a value indicating whether every call was priced, so that <see cref="CostUsd"/> is the whole cost.</summary>
    public bool IsComplete => UnpricedModels.Count == 0;
}
