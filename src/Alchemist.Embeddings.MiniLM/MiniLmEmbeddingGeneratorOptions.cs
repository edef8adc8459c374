namespace Alchemist;

/// <summary>Options for <see cref="MiniLmEmbeddingGenerator"/>.</summary>
public sealed class MiniLmEmbeddingGeneratorOptions
{
    /// <summary>The most characters of a text the model reads: 510, so that a text never exceeds the model's 512 word pieces with its two markers.</summary>
    public const int MaxCharactersLimit = 510;

    /// <summary>Gets or sets the number of texts the model encodes together. The default is 32.</summary>
    /// <remarks>The encoder pads a batch to its longest text, so small batches keep the attention matrices small.</remarks>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Gets or sets how many characters of each text are read; the rest is left out. The default is 510, the most
    /// allowed (<see cref="MaxCharactersLimit"/>): a character is at most one word piece, and the model reads at most
    /// 512 word pieces. Smaller values embed faster; the model was trained on texts of at most 256 word pieces.
    /// </summary>
    public int MaxCharacters { get; set; } = MaxCharactersLimit;

    /// <summary>
    /// Gets or sets the number of threads ONNX Runtime uses within one batch, or <see langword="null"/> (the default) for
    /// its own choice (one per core).
    /// </summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Checks the options, naming the first one out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        }

        if (MaxCharacters is < 1 or > MaxCharactersLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCharacters), MaxCharacters, $"The model reads between 1 and {MaxCharactersLimit} characters of a text.");
        }

        if (IntraOpThreads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "ONNX Runtime needs at least one thread.");
        }
    }
}
