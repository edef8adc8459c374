using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alchemist;

/// <summary>
/// A label matrix's non-abstain entries, listed once row by row (compressed sparse rows): each entry's column as a byte
/// and its vote, two bytes per entry, and where each row starts. A fit reads every row once per layer and class pass;
/// listing a row's entries from here is a widening copy, where listing them from the matrix walks a bit mask per 32 votes.
/// </summary>
/// <remarks>
/// Built only for matrices of at most 256 functions whose entries fit in one array; <see cref="Build"/> returns
/// <see langword="null"/> otherwise, and the passes read the matrix. At 1M items x 100 functions and 34.7M entries it
/// holds 73 MB (69 MB of entries and 4 MB of row starts).
/// </remarks>
internal sealed class HyperEntries
{
    /// <summary>The rows of one parallel block of the build.</summary>
    private const int BlockRows = 4096;

    private readonly int[] _starts;
    private readonly byte[] _columns;
    private readonly sbyte[] _votes;

    private HyperEntries(int[] starts, byte[] columns, sbyte[] votes)
    {
        _starts = starts;
        _columns = columns;
        _votes = votes;
    }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount => _starts.Length - 1;

    /// <summary>Gets the number of entries (non-abstain votes).</summary>
    public long EntryCount => _columns.Length;

    /// <summary>Lists a matrix's entries, or returns <see langword="null"/> when it has more than 256 functions or more entries than an array holds.</summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <param name="compress">Whether to fill the list with AVX-512 compression (by default when the machine has it) or row by row, as tests compare.</param>
    public static HyperEntries? Build(LabelMatrix matrix, CancellationToken cancellationToken, bool? compress = null)
    {
        int n = matrix.ItemCount;
        int m = matrix.FunctionCount;
        if (m > 256)
        {
            return null;
        }

        // First each row's number of entries (at starts[i + 1]), then the starts as their running sum.
        var starts = new int[n + 1];
        int blocks = (n + BlockRows - 1) / BlockRows;
        ForEachBlock(blocks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (block) =>
        {
            int end = Math.Min(n, (block + 1) * BlockRows);
            for (int i = block * BlockRows; i < end; i++)
            {
                starts[i + 1] = CountEntries(matrix.GetRow(i));
            }
        }, cancellationToken);

        long total = 0;
        for (int i = 1; i <= n; i++)
        {
            total += starts[i];
            if (total > Array.MaxLength)
            {
                return null;
            }

            starts[i] = (int)total;
        }

        var columns = new byte[total];
        var votes = new sbyte[total];
        bool compressed = (compress ?? true) && Avx512Vbmi2.IsSupported && Vector512.IsHardwareAccelerated;
        ForEachBlock(blocks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (block) =>
        {
            int start = block * BlockRows;
            int end = Math.Min(n, (block + 1) * BlockRows);
            if (compressed)
            {
                FillCompressed(matrix, start, end, starts, columns, votes);
                return;
            }

            for (int i = start; i < end; i++)
            {
                Fill(matrix.GetRow(i), columns.AsSpan(starts[i], starts[i + 1] - starts[i]), votes.AsSpan(starts[i], starts[i + 1] - starts[i]));
            }
        }, cancellationToken);

        return new HyperEntries(starts, columns, votes);
    }

    /// <summary>Lists row <paramref name="row"/>'s entries: their columns and values (+1 for <paramref name="positiveVote"/>, -1 for any other vote), and the sum of the values; the same lists, in the same order, as a gather of the matrix row.</summary>
    /// <param name="row">The row.</param>
    /// <param name="positiveVote">The vote that counts as +1.</param>
    /// <param name="columns">Receives the entries' columns; at least as long as the row's entries.</param>
    /// <param name="values">Receives the entries' values; as long.</param>
    /// <param name="valueSum">Receives the sum of the values.</param>
    /// <returns>The number of entries.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Gather(int row, sbyte positiveVote, Span<int> columns, Span<float> values, out int valueSum)
    {
        int start = _starts[row];
        int count = _starts[row + 1] - start;
        ReadOnlySpan<byte> entryColumns = _columns.AsSpan(start, count);
        ReadOnlySpan<sbyte> entryVotes = _votes.AsSpan(start, count);
        if (columns.Length < count || values.Length < count)
        {
            throw new ArgumentException("The entry buffers are shorter than the row's entries.", nameof(columns));
        }

        ref byte columnIn = ref MemoryMarshal.GetReference(entryColumns);
        ref sbyte voteIn = ref MemoryMarshal.GetReference(entryVotes);
        ref int columnOut = ref MemoryMarshal.GetReference(columns);
        ref float valueOut = ref MemoryMarshal.GetReference(values);
        int positives = 0;
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight entries at a time: the column bytes and the vote comparisons widened to 32 bits.
            Vector128<sbyte> positive = Vector128.Create(positiveVote);
            Vector256<float> one = Vector256.Create(1f), minusOne = Vector256.Create(-1f);
            for (; t + 8 <= count; t += 8)
            {
                Vector128<byte> columnBytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref columnIn, t))).AsByte();
                Vector256<int> column = Vector256.WidenLower(Vector128.WidenLower(columnBytes).ToVector256Unsafe()).AsInt32();
                column.StoreUnsafe(ref columnOut, (nuint)t);
                Vector128<sbyte> voteBytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref voteIn, t)))).AsSByte();
                Vector128<sbyte> isPositive = Vector128.Equals(voteBytes, positive);
                positives += BitOperations.PopCount(isPositive.ExtractMostSignificantBits() & 0xFF);
                Vector256<int> mask = Vector256.WidenLower(Vector128.WidenLower(isPositive).ToVector256Unsafe());
                Vector256.ConditionalSelect(mask.AsSingle(), one, minusOne).StoreUnsafe(ref valueOut, (nuint)t);
            }
        }

        // The rest one entry at a time, without a branch on the vote (a set flag, then 2 flag - 1 as a float: exactly +1 or -1).
        for (; t < count; t++)
        {
            int isPositive = Unsafe.Add(ref voteIn, t) == positiveVote ? 1 : 0;
            Unsafe.Add(ref columnOut, t) = Unsafe.Add(ref columnIn, t);
            Unsafe.Add(ref valueOut, t) = (2 * isPositive) - 1;
            positives += isPositive;
        }

        // The values are +1 and -1: their sum in any order is this integer, exactly.
        valueSum = (2 * positives) - count;
        return count;
    }

    private static void ForEachBlock(int blocks, Action<int> body, CancellationToken cancellationToken)
    {
        if (blocks > 1)
        {
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, body);
        }
        else if (blocks == 1)
        {
            cancellationToken.ThrowIfCancellationRequested();
            body(0);
        }
    }

    /// <summary>Counts a row's non-abstain votes (an abstain, -1, is the only vote with its sign bit set).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountEntries(ReadOnlySpan<sbyte> votes)
    {
        ref sbyte voteRef = ref MemoryMarshal.GetReference(votes);
        int count = 0;
        int j = 0;
        for (; j + 32 <= votes.Length; j += 32)
        {
            count += 32 - BitOperations.PopCount(Vector256.LoadUnsafe(ref voteRef, (nuint)j).ExtractMostSignificantBits());
        }

        for (; j < votes.Length; j++)
        {
            count += Unsafe.Add(ref voteRef, j) >= 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Writes the entries of rows <paramref name="start"/> to <paramref name="end"/>, as <see cref="Fill"/> does, with
    /// AVX-512 compression: 64 votes at a time, the non-abstain votes and their columns are packed into the low bytes of
    /// a vector and stored whole (64 bytes) at the block's next free place in a staging buffer with 64 bytes of room
    /// beyond its entries; the block's entries are then copied to their place. Same entries, same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillCompressed(LabelMatrix matrix, int start, int end, int[] starts, byte[] columns, sbyte[] votes)
    {
        int blockEntries = starts[end] - starts[start];
        // Rented: a block's staging buffers are over 85 KB each (large objects), and a fit fills hundreds of blocks.
        byte[] stagedColumns = ArrayPool<byte>.Shared.Rent(blockEntries + 64);
        byte[] stagedVotes = ArrayPool<byte>.Shared.Rent(blockEntries + 64);
        try
        {
            FillStaged(matrix, start, end, blockEntries, stagedColumns, stagedVotes);
            stagedColumns.AsSpan(0, blockEntries).CopyTo(columns.AsSpan(starts[start], blockEntries));
            MemoryMarshal.Cast<byte, sbyte>(stagedVotes.AsSpan(0, blockEntries)).CopyTo(votes.AsSpan(starts[start], blockEntries));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stagedColumns);
            ArrayPool<byte>.Shared.Return(stagedVotes);
        }
    }

    /// <summary>Writes the entries of rows <paramref name="start"/> to <paramref name="end"/> compressed into the staging buffers (<see cref="FillCompressed"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillStaged(LabelMatrix matrix, int start, int end, int blockEntries, byte[] stagedColumns, byte[] stagedVotes)
    {
        int m = matrix.FunctionCount;
        Span<sbyte> tail = stackalloc sbyte[64];
        Vector512<byte> iota = Vector512.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63);
        ref byte columnOut = ref MemoryMarshal.GetArrayDataReference(stagedColumns);
        ref byte voteOut = ref MemoryMarshal.GetArrayDataReference(stagedVotes);
        int count = 0;
        for (int i = start; i < end; i++)
        {
            ReadOnlySpan<sbyte> row = matrix.GetRow(i);
            ref sbyte voteRef = ref MemoryMarshal.GetReference(row);
            for (int j = 0; j < m; j += 64)
            {
                Vector512<sbyte> chunk;
                if (j + 64 <= m)
                {
                    chunk = Vector512.LoadUnsafe(ref voteRef, (nuint)j);
                }
                else
                {
                    // The row's last votes, the rest of the vector abstains.
                    tail.Fill(-1);
                    row[j..].CopyTo(tail);
                    chunk = Vector512.Create<sbyte>(tail);
                }

                // An abstain (-1) is the only vote with its sign bit set.
                Vector512<byte> isEntry = Vector512.GreaterThanOrEqual(chunk, Vector512<sbyte>.Zero).AsByte();
                int entries = BitOperations.PopCount(isEntry.ExtractMostSignificantBits());
                if (count + 64 > stagedColumns.Length || count + 64 > stagedVotes.Length)
                {
                    throw new InvalidOperationException("The staged entries overran their buffer.");
                }

                Avx512Vbmi2.Compress(Vector512<byte>.Zero, isEntry, iota + Vector512.Create((byte)j)).StoreUnsafe(ref columnOut, (nuint)count);
                Avx512Vbmi2.Compress(Vector512<byte>.Zero, isEntry, chunk.AsByte()).StoreUnsafe(ref voteOut, (nuint)count);
                count += entries;
            }
        }

        if (count != blockEntries)
        {
            throw new InvalidOperationException($"The block's rows hold {count} entries, not the {blockEntries} counted.");
        }
    }

    /// <summary>Writes a row's entries, in column order, into spans exactly as long as its number of entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(ReadOnlySpan<sbyte> votes, Span<byte> columns, Span<sbyte> entryVotes)
    {
        ref sbyte voteRef = ref MemoryMarshal.GetReference(votes);
        int count = 0;
        int j = 0;
        for (; j + 32 <= votes.Length; j += 32)
        {
            uint entries = ~Vector256.LoadUnsafe(ref voteRef, (nuint)j).ExtractMostSignificantBits();
            while (entries != 0)
            {
                int column = j + BitOperations.TrailingZeroCount(entries);
                entries &= entries - 1;
                columns[count] = (byte)column;
                entryVotes[count] = Unsafe.Add(ref voteRef, column);
                count++;
            }
        }

        for (; j < votes.Length; j++)
        {
            sbyte vote = Unsafe.Add(ref voteRef, j);
            if (vote >= 0)
            {
                columns[count] = (byte)j;
                entryVotes[count] = vote;
                count++;
            }
        }
    }
}
