namespace Alchemist;

/// <summary>Represents what a later round of synthesis is told about the earlier ones: problems of rejected programs, items no kept program covers, and items where kept programs conflict.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>Build one with <see cref="SynthesisFeedback.FromVotes"/> from the kept programs' votes, or set the lists yourself.</remarks>
public sealed class SynthesisFeedback<TItem>
{
    /// <summary>Gets messages about earlier programs that were rejected: compile errors, sandbox rules, faults, gate drops.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Gets items on which no kept program votes.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<FeedbackExample<TItem>> Uncovered { get; init; } = [];

    /// <summary>Gets items on which kept programs vote for different classes.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<FeedbackExample<TItem>> Conflicting { get; init; } = [];

    /// <summary>Gets a value indicating whether there is nothing to tell.</summary>
    public bool IsEmpty => Problems.Count == 0 && Uncovered.Count == 0 && Conflicting.Count == 0;
}
