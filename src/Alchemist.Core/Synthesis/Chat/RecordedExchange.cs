namespace Alchemist;

/// <summary>Represents one recorded chat exchange: the reply and its reported usage; one line of a transcript (see <see cref="ChatTranscript"/>).</summary>
public sealed record RecordedExchange
{
    /// <summary>Initializes a new instance of the <see cref="RecordedExchange"/> class.</summary>
    /// <param name="reply">The text of the reply.</param>
    /// <param name="inputTokens">The input tokens the provider reported, or <see langword="null"/>.</param>
    /// <param name="outputTokens">The output tokens the provider reported, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reply"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    public RecordedExchange(string reply, long? inputTokens = null, long? outputTokens = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (inputTokens is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputTokens), inputTokens, "A token count cannot be negative.");
        }

        if (outputTokens is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputTokens), outputTokens, "A token count cannot be negative.");
        }

        Reply = reply;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
    }

    /// <summary>Gets the text of the reply (JSON <c>reply</c>).</summary>
    public string Reply { get; }

    /// <summary>Gets the input tokens the provider reported (JSON <c>inputTokens</c>), or <see langword="null"/>.</summary>
    public long? InputTokens { get; }

    /// <summary>Gets the output tokens the provider reported (JSON <c>outputTokens</c>), or <see langword="null"/>.</summary>
    public long? OutputTokens { get; }

    /// <summary>Gets the model that answered (JSON <c>model</c>), or <see langword="null"/>.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the hash of the prompt that was answered (JSON <c>promptHash</c>; see docs/synthesis.md), or <see langword="null"/>.</summary>
    public string? PromptHash { get; init; }
}
