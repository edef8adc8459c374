namespace Alchemist;

/// <summary>Represents sparse feature rows in compressed sparse row form: flat arrays, no object per row.</summary>
internal sealed class SparseRows
{
    public SparseRows(int[] rowStarts, int[] indices, float[] values)
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

    /// <summary>Gets the number of stored entries.</summary>
    public int EntryCount => RowStarts[^1];
}
