namespace Alchemist;

/// <summary>Represents one block of <see cref="SparseRows"/>: row starts, feature indices and values, in flat arrays sized exactly.</summary>
internal sealed class SparseRowBlock
{
    public SparseRowBlock(int[] rowStarts, int[] indices, float[] values)
    {
        RowStarts = rowStarts;
        Indices = indices;
        Values = values;
    }

    /// <summary>Gets the start of each row in <see cref="Indices"/> and <see cref="Values"/>, plus the end of the last row.</summary>
    public int[] RowStarts { get; }

    /// <summary>Gets the feature index of each entry.</summary>
    public int[] Indices { get; }

    /// <summary>Gets the value of each entry.</summary>
    public float[] Values { get; }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount => RowStarts.Length - 1;

    /// <summary>Gets the number of entries.</summary>
    public int EntryCount => RowStarts[^1];
}
