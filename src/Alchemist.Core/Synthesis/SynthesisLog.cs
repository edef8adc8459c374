namespace Alchemist;

/// <summary>Records every call of a synthesis and what came of it: programs accepted, replies rejected, programs that failed validation and were repaired, calls that failed.</summary>
/// <remarks>
/// A run passes its own in <see cref="SynthesisRequest{TItem}.Log"/>; what it records reaches users as
/// <see cref="LabelingRun.SynthesisAttempts"/> and <see cref="SynthesisResult.SynthesisAttempts"/>, which reports and the
/// command line print. Thread-safe: the slots of a request record concurrently.
/// </remarks>
internal sealed class SynthesisLog
{
    private readonly List<SynthesisAttempt> _attempts = [];
    private readonly Lock _lock = new();

    /// <summary>Gets a snapshot of the attempts recorded so far, in the order they were recorded.</summary>
    public IReadOnlyList<SynthesisAttempt> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Gets the attempts ordered for a report: shared calls first, then by slot and attempt.</summary>
    /// <returns>The attempts, in an order that does not depend on thread timing.</returns>
    public IReadOnlyList<SynthesisAttempt> GetOrderedAttempts() =>
        [.. Attempts.OrderBy(a => a.Slot ?? -1).ThenBy(a => a.Attempt)];

    /// <summary>Gets the total input tokens of the recorded calls.</summary>
    public long InputTokens => Attempts.Sum(a => a.InputTokens);

    /// <summary>Gets the total output tokens of the recorded calls.</summary>
    public long OutputTokens => Attempts.Sum(a => a.OutputTokens);

    /// <summary>Gets the total cost of the recorded calls in US dollars; unpriced calls count as 0.</summary>
    public decimal CostUsd => Attempts.Sum(a => a.CostUsd ?? 0m);

    /// <summary>Records an attempt.</summary>
    /// <param name="attempt">The attempt.</param>
    /// <exception cref="ArgumentNullException"><paramref name="attempt"/> is <see langword="null"/>.</exception>
    public void Add(SynthesisAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        lock (_lock)
        {
            _attempts.Add(attempt);
        }
    }
}
