namespace Alchemist;

/// <summary>A label matrix seen as <see cref="IRowChunks"/>: its own rows, each of weight 1, for EM over matrices whose rows are nearly all distinct.</summary>
internal sealed class MatrixRowChunks(LabelMatrix matrix) : IRowChunks
{
    public int Width => matrix.FunctionCount;

    public int ChunkCount => (matrix.ItemCount + DistinctRowTable.ChunkSize - 1) / DistinctRowTable.ChunkSize;

    public long TotalWeight => matrix.ItemCount;

    public ReadOnlySpan<sbyte> GetChunkRows(int chunk)
    {
        int start = chunk * DistinctRowTable.ChunkSize;
        int count = Math.Min(DistinctRowTable.ChunkSize, matrix.ItemCount - start);
        return matrix.AsSpan().Slice(start * Width, count * Width);
    }

    public ReadOnlySpan<long> GetChunkWeights(int chunk) => [];
}
