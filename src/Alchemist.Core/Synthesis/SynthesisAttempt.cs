namespace Alchemist;

/// <summary>Represents one chat call of a synthesis and what came of it, including replies and programs that were not kept.</summary>
/// <remarks>
/// Each program slot of a request makes one call for its original program and one per repair, so a slot's attempts
/// read as a story: <see cref="SynthesisOutcome.FailedValidation"/> with the problems, then the repair's outcome.
/// </remarks>
public sealed record SynthesisAttempt
{
    /// <summary>Gets what the call was for, as the cost ledger names it (<see cref="CostEntry.Purpose"/>): <c>program</c>, <c>repair</c>, <c>prior-knowledge</c> or <c>concepts</c>; <see langword="null"/> when the synthesizer did not say.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the program slot (0-based) the call was for, or <see langword="null"/> for a call shared by all slots.</summary>
    public int? Slot { get; init; }

    /// <summary>Gets the attempt within the slot: 0 for the original program, <c>n</c> for the n-th repair.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets what came of the call.</summary>
    public required SynthesisOutcome Outcome { get; init; }

    /// <summary>Gets the name the program of this attempt has (or would have had), such as <c>llm-003-r1</c>.</summary>
    public string? ProgramName { get; init; }

    /// <summary>Gets the program the reply held, or <see langword="null"/> when the call failed or the reply held none.</summary>
    public LabelingProgram? Program { get; init; }

    /// <summary>Gets a one-sentence explanation of the outcome, fit for a report.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the validator's exact messages for <see cref="SynthesisOutcome.FailedValidation"/>, or why listed concepts were refused for <see cref="SynthesisOutcome.Concepts"/>; empty otherwise.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Gets the model that answered, when known.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the hash of the prompt (see docs/synthesis.md), or <see langword="null"/> for none.</summary>
    public string? PromptHash { get; init; }

    /// <summary>Gets the sampling temperature of the call, when one was set.</summary>
    public float? Temperature { get; init; }

    /// <summary>Gets the input tokens the provider reported; 0 when the call failed or it reported none.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens the provider reported; 0 when the call failed or it reported none.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the cost of the call in US dollars, or <see langword="null"/> when unpriced or when it failed.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets when the call started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets how long the call took, retries included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the retries the call needed after its first attempt (see <see cref="ResilientChatClient"/>).</summary>
    public int Retries { get; init; }

    /// <summary>Gets the attempts of the call that timed out.</summary>
    public int Timeouts { get; init; }
}
