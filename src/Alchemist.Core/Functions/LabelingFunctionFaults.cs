namespace Alchemist;

/// <summary>Represents the faults of one labeling function during an application: exceptions and invalid votes, each counted as an abstain.</summary>
/// <param name="FunctionName">The name of the function.</param>
/// <param name="ItemsSeen">The number of items the function was called on.</param>
/// <param name="Exceptions">The number of calls that threw.</param>
/// <param name="InvalidVotes">The number of calls that returned a value outside <c>-1..K-1</c>.</param>
/// <param name="Quarantined">Whether the function passed the fault threshold and was no longer called.</param>
/// <param name="FirstError">A description of the first fault, or <see langword="null"/> when there was none.</param>
public sealed record LabelingFunctionFaults(
    string FunctionName, long ItemsSeen, long Exceptions, long InvalidVotes, bool Quarantined, string? FirstError)
{
    /// <summary>Gets the total number of faults.</summary>
    public long Total => Exceptions + InvalidVotes;

    /// <summary>Gets the fraction of calls that faulted, or 0 when the function was never called.</summary>
    public double Rate => ItemsSeen == 0 ? 0 : (double)Total / ItemsSeen;
}
