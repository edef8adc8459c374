using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Records the token usage of chat calls and prices it with configurable per-model rates.</summary>
/// <remarks>
/// <para>
/// A price applies to a model id equal to its key, or starting with its key followed by <c>-</c>, <c>:</c>,
/// <c>@</c> or <c>/</c> (compared ignoring case), so that <c>gpt-4o-mini</c> prices <c>gpt-4o-mini-2024-07-18</c>;
/// the longest matching key wins. A call to a model without a price is recorded with its tokens and no cost, and
/// the summary lists the model as unpriced.
/// </para>
/// <para>
/// A response served from a cache in the chat pipeline reports the usage of the call that filled the cache, so it is
/// recorded as if it were made again: the ledger states what the calls would cost without the cache.
/// </para>
/// <para>Thread-safe: calls made concurrently may record at the same time.</para>
/// </remarks>
public sealed class CostLedger
{
    private const string UnknownModel = "(unknown)";
    private readonly Dictionary<string, ModelPrice> _prices;
    private readonly List<CostEntry> _entries = [];
    private readonly Lock _lock = new();
    private readonly CostLedger? _parent;

    /// <summary>Initializes a new instance of the <see cref="CostLedger"/> class.</summary>
    /// <param name="prices">The price of each model, keyed by model id; none when <see langword="null"/>. The prices are copied.</param>
    /// <exception cref="ArgumentException">A key is blank, or a price is <see langword="null"/> or negative.</exception>
    public CostLedger(IEnumerable<KeyValuePair<string, ModelPrice>>? prices = null)
    {
        _prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach ((string model, ModelPrice? price) in prices ?? [])
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                throw new ArgumentException("A model price has a blank model id; key every price by the model id the provider reports.", nameof(prices));
            }

            if (price is null || price.InputUsdPerMillionTokens < 0 || price.OutputUsdPerMillionTokens < 0)
            {
                throw new ArgumentException($"The price of model '{model}' is missing or negative; give non-negative input and output prices per million tokens.", nameof(prices));
            }

            _prices[model] = new ModelPrice(price.InputUsdPerMillionTokens, price.OutputUsdPerMillionTokens);
        }
    }

    private CostLedger(CostLedger parent)
    {
        _prices = parent._prices;
        _parent = parent;
    }

    /// <summary>Gets the prices, keyed by model id (compared ignoring case).</summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices => _prices;

    /// <summary>Gets a snapshot of the calls recorded so far, in the order they were recorded.</summary>
    public IReadOnlyList<CostEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Finds the price of a model.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="price">The price, when there is one.</param>
    /// <returns><see langword="true"/> when the ledger has a price for the model.</returns>
    public bool TryGetPrice(string? modelId, [NotNullWhen(true)] out ModelPrice? price)
    {
        price = null;
        if (string.IsNullOrEmpty(modelId))
        {
            return false;
        }

        if (_prices.TryGetValue(modelId, out price))
        {
            return true;
        }

        int bestLength = 0;
        foreach ((string key, ModelPrice candidate) in _prices)
        {
            if (key.Length > bestLength && modelId.Length > key.Length &&
                modelId.StartsWith(key, StringComparison.OrdinalIgnoreCase) && modelId[key.Length] is '-' or ':' or '@' or '/')
            {
                bestLength = key.Length;
                price = candidate;
            }
        }

        return price is not null;
    }

    /// <summary>Creates a ledger with the same prices whose calls are also recorded in this one: the scope of one run, or of one request.</summary>
    /// <returns>A new, empty ledger. What it records, this ledger (and its own parents) records too, so a long-lived ledger totals every run while each run's scope holds only its own calls.</returns>
    public CostLedger CreateScope() => new(this);

    /// <summary>Records a call.</summary>
    /// <param name="purpose">What the call was for, such as <c>program</c> or <c>repair</c>.</param>
    /// <param name="modelId">The model that answered.</param>
    /// <param name="usage">The usage the provider reported (<see cref="ChatResponse.Usage"/>), or <see langword="null"/>.</param>
    /// <returns>The recorded entry, with its cost.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is blank.</exception>
    public CostEntry Record(string purpose, string? modelId, UsageDetails? usage) => Record(purpose, modelId, usage, default);

    /// <summary>Records a call with the retries and timeouts it needed.</summary>
    /// <param name="purpose">What the call was for, such as <c>program</c> or <c>repair</c>.</param>
    /// <param name="modelId">The model that answered.</param>
    /// <param name="usage">The usage the provider reported (<see cref="ChatResponse.Usage"/>), or <see langword="null"/>.</param>
    /// <param name="resilience">The retries, timeouts and waits of the call (<see cref="ChatCallResilience.FromResponse"/>).</param>
    /// <returns>The recorded entry, with its cost.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is blank.</exception>
    public CostEntry Record(string purpose, string? modelId, UsageDetails? usage, ChatCallResilience resilience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        long input = usage?.InputTokenCount ?? 0;
        long output = usage?.OutputTokenCount ?? 0;
        bool reported = usage?.InputTokenCount is not null || usage?.OutputTokenCount is not null;
        decimal? cost = TryGetPrice(modelId, out ModelPrice? price) ? price.CostOf(input, output) : null;
        return Add(new CostEntry(purpose, string.IsNullOrEmpty(modelId) ? null : modelId, input, output, cost, reported)
        {
            Retries = resilience.Retries,
            Timeouts = resilience.Timeouts,
            RetryDelay = resilience.RetryDelay,
        });
    }

    /// <summary>Records a call that failed for good: no tokens and a cost of 0, with the retries and timeouts it went through.</summary>
    /// <param name="purpose">What the call was for, such as <c>program</c> or <c>repair</c>.</param>
    /// <param name="modelId">The model the call was for, when known.</param>
    /// <param name="resilience">The retries, timeouts and waits of the call (<see cref="ChatCallResilience.FromException"/>).</param>
    /// <returns>The recorded entry.</returns>
    /// <exception cref="ArgumentException"><paramref name="purpose"/> is blank.</exception>
    public CostEntry RecordFailure(string purpose, string? modelId, ChatCallResilience resilience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);

        // A failed call is known to cost nothing, priced model or not.
        return Add(new CostEntry(purpose, string.IsNullOrEmpty(modelId) ? null : modelId, 0, 0, 0m, UsageReported: false)
        {
            Failed = true,
            Retries = resilience.Retries,
            Timeouts = resilience.Timeouts,
            RetryDelay = resilience.RetryDelay,
        });
    }

    /// <summary>Computes the totals of the calls recorded so far.</summary>
    /// <returns>The totals, overall and per model.</returns>
    public CostSummary GetSummary()
    {
        IReadOnlyList<CostEntry> entries = Entries;
        ModelCost[] models =
        [
            .. entries
                .GroupBy(e => e.ModelId ?? UnknownModel, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ModelCost(
                    g.Key,
                    g.Count(),
                    g.Sum(e => e.InputTokens),
                    g.Sum(e => e.OutputTokens),
                    g.All(e => e.CostUsd is not null) ? g.Sum(e => e.CostUsd!.Value) : null)),
        ];

        return new CostSummary(
            entries.Count,
            entries.Count(e => !e.UsageReported && !e.Failed),
            entries.Sum(e => e.InputTokens),
            entries.Sum(e => e.OutputTokens),
            entries.Sum(e => e.CostUsd ?? 0m),
            models,
            [.. models.Where(m => m.CostUsd is null).Select(m => m.ModelId)])
        {
            FailedCalls = entries.Count(e => e.Failed),
            Retries = entries.Sum(e => e.Retries),
            Timeouts = entries.Sum(e => e.Timeouts),
            RetryDelay = TimeSpan.FromTicks(entries.Sum(e => e.RetryDelay.Ticks)),
        };
    }

    private CostEntry Add(CostEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }

        _parent?.Add(entry);
        return entry;
    }
}
