namespace Alchemist;

/// <summary>Accumulates the rows of one block into growable buffers that are reused from block to block (one builder per thread).</summary>
internal sealed class SparseRowsBuilder
{
    private int[] _indices = new int[1 << 16];
    private float[] _values = new float[1 << 16];
    private int[] _rowEnds = new int[SparseRows.RowsPerBlock];
    private int _rows;
    private int _entries;

    /// <summary>Appends a row.</summary>
    public void AddRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        int needed = _entries + indices.Length;
        if (needed > _indices.Length)
        {
            int size = Math.Max(needed, _indices.Length * 2);
            Array.Resize(ref _indices, size);
            Array.Resize(ref _values, size);
        }

        if (_rows == _rowEnds.Length)
        {
            Array.Resize(ref _rowEnds, _rowEnds.Length * 2);
        }

        indices.CopyTo(_indices.AsSpan(_entries));
        values.CopyTo(_values.AsSpan(_entries));
        _entries = needed;
        _rowEnds[_rows++] = _entries;
    }

    /// <summary>Copies the rows added since the last call into a block of exactly their size, and starts a new block.</summary>
    public SparseRowBlock TakeBlock()
    {
        var rowStarts = new int[_rows + 1];
        _rowEnds.AsSpan(0, _rows).CopyTo(rowStarts.AsSpan(1));
        var block = new SparseRowBlock(rowStarts, _indices[.._entries], _values[.._entries]);
        _rows = 0;
        _entries = 0;
        return block;
    }
}
