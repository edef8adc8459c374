namespace Alchemist;

/// <summary>Rows of votes in chunks, each row with a weight: the distinct rows of a matrix with their counts, or a matrix's own rows with weight 1.</summary>
internal interface IRowChunks
{
    /// <summary>Gets the number of votes per row.</summary>
    int Width { get; }

    /// <summary>Gets the number of chunks.</summary>
    int ChunkCount { get; }

    /// <summary>Gets the sum of the weights.</summary>
    long TotalWeight { get; }

    /// <summary>Gets the rows of a chunk, back to back.</summary>
    ReadOnlySpan<sbyte> GetChunkRows(int chunk);

    /// <summary>Gets the weights of a chunk's rows; empty means weight 1 for every row.</summary>
    ReadOnlySpan<long> GetChunkWeights(int chunk);
}
