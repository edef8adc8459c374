using System.Numerics;
using System.Runtime.InteropServices;

namespace Alchemist;

/// <summary>
/// The distinct vote rows of a label matrix and how many items have each, in order of first occurrence: the exact
/// sufficient statistic of any model that needs per-item posteriors (Dawid-Skene's EM), and usually tiny, because real
/// labeling functions produce few distinct vote patterns.
/// </summary>
/// <remarks>
/// Rows live in fixed-size chunks, so the table never copies rows as it grows, and the chunks are the natural blocks of
/// a parallel pass. Lookup is open addressing over stored hashes. Not thread-safe while rows are added.
/// </remarks>
internal sealed class DistinctRowTable : IRowChunks
{
    /// <summary>The number of rows per chunk, a power of two.</summary>
    public const int ChunkSize = 1 << ChunkShift;

    private const int ChunkShift = 13;
    private readonly List<sbyte[]> _rowChunks = [];
    private readonly List<long[]> _weightChunks = [];
    private readonly List<int[]> _hashChunks = [];
    private int[] _buckets;

    public DistinctRowTable(int width, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;

        // Presize for the expected rows (at a load of at most one half), so that a large table never rehashes.
        int buckets = 64;
        while (buckets < 2L * Math.Min(capacity, 1 << 24))
        {
            buckets *= 2;
        }

        _buckets = new int[buckets];
    }

    /// <summary>Gets the number of votes per row.</summary>
    public int Width { get; }

    /// <summary>Gets the number of distinct rows.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the sum of the weights: the number of items the rows stand for.</summary>
    public long TotalWeight { get; private set; }

    /// <summary>Gets the number of chunks; chunk <c>c</c> holds rows <c>c * ChunkSize</c> onward.</summary>
    public int ChunkCount => _rowChunks.Count;

    public ReadOnlySpan<sbyte> GetRow(int index) =>
        new(_rowChunks[index >> ChunkShift], (index & (ChunkSize - 1)) * Width, Width);

    public long GetWeight(int index) => _weightChunks[index >> ChunkShift][index & (ChunkSize - 1)];

    /// <inheritdoc />
    public ReadOnlySpan<sbyte> GetChunkRows(int chunk) => _rowChunks[chunk].AsSpan(0, ChunkLength(chunk) * Width);

    /// <inheritdoc />
    public ReadOnlySpan<long> GetChunkWeights(int chunk) => _weightChunks[chunk].AsSpan(0, ChunkLength(chunk));

    private int ChunkLength(int chunk) => Math.Min(ChunkSize, Count - (chunk << ChunkShift));

    /// <summary>
    /// Builds the table of a matrix's rows unless they barely repeat: when more than half of the first 65,536 rows are
    /// distinct (random votes, many functions), grouping would only copy the matrix, so the caller should use the
    /// matrix's own rows instead.
    /// </summary>
    /// <returns>The table, or <see langword="null"/> when the rows do not compress.</returns>
    public static DistinctRowTable? BuildIfCompact(LabelMatrix matrix) => Build(matrix, recordRows: false, out _);

    /// <summary>
    /// Builds the table of a matrix's rows as <see cref="BuildIfCompact(LabelMatrix)"/> does, and gives each item's row
    /// index in the table, so that a caller can map the items to their distinct rows without hashing them again.
    /// </summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="rowOfItem">Receives, for each item, the index of its row in the table; <see langword="null"/> when the table is.</param>
    /// <returns>The table, or <see langword="null"/> when the rows do not compress.</returns>
    public static DistinctRowTable? BuildIfCompact(LabelMatrix matrix, out int[]? rowOfItem) => Build(matrix, recordRows: true, out rowOfItem);

    private static DistinctRowTable? Build(LabelMatrix matrix, bool recordRows, out int[]? rowOfItem)
    {
        const int Sample = 1 << 16;
        int m = matrix.FunctionCount;
        int sampled = Math.Min(matrix.ItemCount, Sample);
        ReadOnlySpan<sbyte> votes = matrix.AsSpan();
        var table = new DistinctRowTable(m, sampled);

        // The sample's row indices are kept apart, so that a matrix whose rows do not compress costs no per-item array.
        int[]? sampleRows = recordRows ? new int[sampled] : null;
        if (sampleRows is null)
        {
            table.AddRows(votes[..(sampled * m)]);
        }
        else
        {
            table.AddRows(votes[..(sampled * m)], sampleRows);
        }

        rowOfItem = null;
        if (matrix.ItemCount > Sample && table.Count > Sample / 2)
        {
            return null;
        }

        if (sampleRows is null)
        {
            table.AddRows(votes[(sampled * m)..]);
            return table;
        }

        rowOfItem = new int[matrix.ItemCount];
        sampleRows.CopyTo(rowOfItem, 0);
        table.AddRows(votes[(sampled * m)..], rowOfItem.AsSpan(sampled));
        return table;
    }

    /// <summary>Adds every row of a row-major block with weight 1.</summary>
    public void AddRows(ReadOnlySpan<sbyte> rows)
    {
        for (int at = 0; at < rows.Length; at += Width)
        {
            Add(rows.Slice(at, Width), 1);
        }
    }

    /// <summary>Adds every row of a row-major block with weight 1, and writes each row's index in the table.</summary>
    /// <param name="rows">The rows, <see cref="Width"/> votes each.</param>
    /// <param name="indices">Receives the index of each row in the table, one per row.</param>
    public void AddRows(ReadOnlySpan<sbyte> rows, Span<int> indices)
    {
        if (indices.Length != rows.Length / Width || rows.Length % Width != 0)
        {
            throw new ArgumentException($"{rows.Length} votes are not {indices.Length} rows of {Width}.", nameof(indices));
        }

        for (int r = 0, at = 0; at < rows.Length; r++, at += Width)
        {
            indices[r] = AddAt(rows.Slice(at, Width), 1);
        }
    }

    /// <summary>Adds every row of another table with its weight, keeping this table's order and appending new rows in the other's order.</summary>
    public void AddTable(DistinctRowTable other)
    {
        for (int i = 0; i < other.Count; i++)
        {
            Add(other.GetRow(i), other.GetWeight(i));
        }
    }

    /// <summary>Finds a row: its index in the table, or -1 when the table does not hold it. Thread-safe while no row is added.</summary>
    public int IndexOf(ReadOnlySpan<sbyte> row) => Find(row, Hash(row), out _);

    /// <summary>Adds a row with a weight: a new row is appended; a known row's weight grows.</summary>
    public void Add(ReadOnlySpan<sbyte> row, long weight) => AddAt(row, weight);

    /// <summary>Adds a row with a weight, as <see cref="Add"/> does, and returns its index in the table.</summary>
    public int AddAt(ReadOnlySpan<sbyte> row, long weight)
    {
        int hash = Hash(row);
        int known = Find(row, hash, out int slot);
        if (known >= 0)
        {
            _weightChunks[known >> ChunkShift][known & (ChunkSize - 1)] += weight;
            TotalWeight += weight;
            return known;
        }

        int next = Count;
        if ((next & (ChunkSize - 1)) == 0)
        {
            _rowChunks.Add(new sbyte[ChunkSize * Width]);
            _weightChunks.Add(new long[ChunkSize]);
            _hashChunks.Add(new int[ChunkSize]);
        }

        int offset = next & (ChunkSize - 1);
        row.CopyTo(_rowChunks[^1].AsSpan(offset * Width, Width));
        _weightChunks[^1][offset] = weight;
        _hashChunks[^1][offset] = hash;
        _buckets[slot] = next + 1;
        Count = next + 1;
        TotalWeight += weight;
        if (Count * 2 > _buckets.Length)
        {
            Grow();
        }

        return next;
    }

    /// <summary>Probes for a row: its index, or -1 with <paramref name="slot"/> the empty bucket where it would go.</summary>
    private int Find(ReadOnlySpan<sbyte> row, int hash, out int slot)
    {
        int mask = _buckets.Length - 1;
        for (slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            int entry = _buckets[slot];
            if (entry == 0)
            {
                return -1;
            }

            int index = entry - 1;
            if (_hashChunks[index >> ChunkShift][index & (ChunkSize - 1)] == hash && GetRow(index).SequenceEqual(row))
            {
                return index;
            }
        }
    }

    private void Grow()
    {
        var buckets = new int[_buckets.Length * 2];
        int mask = buckets.Length - 1;
        for (int index = 0; index < Count; index++)
        {
            int slot = _hashChunks[index >> ChunkShift][index & (ChunkSize - 1)] & mask;
            while (buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            buckets[slot] = index + 1;
        }

        _buckets = buckets;
    }

    private static int Hash(ReadOnlySpan<sbyte> row)
    {
        // A multiply-xorshift over 8-byte words: fast, and good enough for open addressing with stored hashes.
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(row);
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        int at = 0;
        for (; at + 8 <= bytes.Length; at += 8)
        {
            h = (h ^ MemoryMarshal.Read<ulong>(bytes[at..])) * 0xBF58476D1CE4E5B9UL;
            h ^= h >> 31;
        }

        ulong tail = 0;
        for (int shift = 0; at < bytes.Length; at++, shift += 8)
        {
            tail |= (ulong)bytes[at] << shift;
        }

        h = (h ^ tail) * 0x94D049BB133111EBUL;
        h ^= h >> 29;
        h = BitOperations.RotateLeft(h, 17) * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 33);
    }
}
