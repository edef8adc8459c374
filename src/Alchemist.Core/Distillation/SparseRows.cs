namespace Alchemist;

/// <summary>Represents sparse feature rows in compressed sparse row form, in blocks of <see cref="RowsPerBlock"/> rows: flat arrays per block, no object per row.</summary>
/// <remarks>
/// Blocks keep every array small (no single array has to hold every entry) and let featurization, transformation and
/// the objective split the rows at boundaries that depend only on the number of rows, never on the number of threads.
/// Every block holds <see cref="RowsPerBlock"/> rows except the last one.
/// </remarks>
internal sealed class SparseRows
{
    /// <summary>The number of rows of every block but the last.</summary>
    public const int RowsPerBlock = 1024;

    public SparseRows(SparseRowBlock[] blocks)
    {
        Blocks = blocks;
        long entries = 0;
        int rows = 0;
        foreach (SparseRowBlock block in blocks)
        {
            rows += block.RowCount;
            entries += block.EntryCount;
        }

        RowCount = rows;
        EntryCount = entries;
    }

    /// <summary>Gets the blocks of rows, in order.</summary>
    public SparseRowBlock[] Blocks { get; }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Gets the number of stored entries.</summary>
    public long EntryCount { get; }

    /// <summary>Gets the number of blocks needed for a number of rows.</summary>
    public static int BlockCount(int rowCount) => (rowCount + RowsPerBlock - 1) / RowsPerBlock;

    /// <summary>Gets the feature indices of a row.</summary>
    public ReadOnlySpan<int> RowIndices(int row)
    {
        SparseRowBlock block = Blocks[row / RowsPerBlock];
        int local = row % RowsPerBlock;
        return block.Indices.AsSpan(block.RowStarts[local], block.RowStarts[local + 1] - block.RowStarts[local]);
    }

    /// <summary>Gets the values of a row.</summary>
    public ReadOnlySpan<float> RowValues(int row)
    {
        SparseRowBlock block = Blocks[row / RowsPerBlock];
        int local = row % RowsPerBlock;
        return block.Values.AsSpan(block.RowStarts[local], block.RowStarts[local + 1] - block.RowStarts[local]);
    }
}
