namespace Alchemist;

/// <summary>Accumulates sparse rows into growable flat arrays; one builder per featurization block.</summary>
internal sealed class SparseRowsBuilder
{
    private int[] _indices;
    private float[] _values;
    private int[] _rowEnds;

    public SparseRowsBuilder(int expectedRows, int expectedEntries)
    {
        _indices = new int[Math.Max(16, expectedEntries)];
        _values = new float[_indices.Length];
        _rowEnds = new int[Math.Max(4, expectedRows)];
    }

    public int RowCount { get; private set; }

    public int EntryCount { get; private set; }

    public void Add(int index, float value)
    {
        if (EntryCount == _indices.Length)
        {
            Array.Resize(ref _indices, _indices.Length * 2);
            Array.Resize(ref _values, _values.Length * 2);
        }

        _indices[EntryCount] = index;
        _values[EntryCount] = value;
        EntryCount++;
    }

    public void EndRow()
    {
        if (RowCount == _rowEnds.Length)
        {
            Array.Resize(ref _rowEnds, _rowEnds.Length * 2);
        }

        _rowEnds[RowCount++] = EntryCount;
    }

    /// <summary>Concatenates the rows of several builders, in order.</summary>
    public static SparseRows Concat(IReadOnlyList<SparseRowsBuilder> builders)
    {
        int rows = builders.Sum(b => b.RowCount);
        long entries = builders.Sum(b => (long)b.EntryCount);
        var rowStarts = new int[rows + 1];
        var indices = new int[checked((int)entries)];
        var values = new float[indices.Length];
        int row = 0, offset = 0;
        foreach (SparseRowsBuilder builder in builders)
        {
            Array.Copy(builder._indices, 0, indices, offset, builder.EntryCount);
            Array.Copy(builder._values, 0, values, offset, builder.EntryCount);
            for (int r = 0; r < builder.RowCount; r++)
            {
                rowStarts[++row] = offset + builder._rowEnds[r];
            }

            offset += builder.EntryCount;
        }

        return new SparseRows(rowStarts, indices, values);
    }
}
