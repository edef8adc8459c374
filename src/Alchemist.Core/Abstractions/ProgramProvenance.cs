namespace Alchemist;

/// <summary>Represents where a labeling program came from: the synthesizer, the model, the prompt, the tokens and cost of its call, and its parent when it was repaired.</summary>
/// <remarks>Immutable; use a <see langword="with"/> expression to derive a variant.</remarks>
public sealed record ProgramProvenance
{
    /// <summary>Gets the name of the synthesizer that produced the program, such as <c>chat</c>, <c>offline</c> or <c>hand-written</c>.</summary>
    public required string Synthesizer { get; init; }

    /// <summary>Gets the model id that wrote the program, when an LLM did.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the SHA-256 (lowercase hexadecimal) of the prompt that produced the program, when there was one.</summary>
    public string? PromptHash { get; init; }

    /// <summary>Gets the input tokens of the call that produced the program, when reported.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Gets the output tokens of the call that produced the program, when reported.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>Gets the cost of the call that produced the program in US dollars, when priced.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets the sampling temperature of the call, when one was set.</summary>
    public float? Temperature { get; init; }

    /// <summary>Gets when the program was produced.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets how long the call that produced the program took.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Gets the content hash of the program this one repairs, or <see langword="null"/> for an original.</summary>
    public string? ParentHash { get; init; }

    /// <summary>Gets the number of repairs between the original program and this one: 0 for an original.</summary>
    public int RepairAttempt { get; init; }

    /// <summary>Gets a short free-form description, such as the heuristic an offline synthesizer mined.</summary>
    public string? Description { get; init; }
}
