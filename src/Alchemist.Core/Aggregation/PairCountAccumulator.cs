using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alchemist;

/// <summary>
/// Accumulates per-function vote counts and pairwise overlap, agreement and (when small enough) joint vote counts over
/// blocks of rows. Counts are integers, so partial accumulators merge exactly in any order.
/// </summary>
/// <remarks>
/// Two kernels: a row-wise one that takes any weights and any number of classes, and a bitset one for unit weights
/// and at most <see cref="MaxBitsetClasses"/> classes, which turns the pairwise counts into AND-and-popcount over 64
/// items at a time. Only the upper triangle (<c>j &lt; k</c>) is accumulated; <see cref="LabelStatistics"/> mirrors it.
/// </remarks>
internal sealed class PairCountAccumulator
{
    /// <summary>The largest number of classes the bitset kernel handles; beyond it the bitsets outgrow the matrix.</summary>
    public const int MaxBitsetClasses = 8;

    /// <summary>The most rows the bitset kernel takes at once (64 words per bitset).</summary>
    public const int BitsetBlockRows = 4096;

    private readonly int _m;
    private readonly int _k;
    private readonly int _d;
    private int[]? _functions;
    private int[]? _classes;
    private ulong[]? _bits;
    private ulong[]? _any;

    public PairCountAccumulator(int functionCount, int classCount, bool pairs, bool joint)
    {
        Pairs = pairs;
        _m = functionCount;
        _k = classCount;
        _d = functionCount * classCount;
        VoteCounts = new long[_d];
        if (pairs && joint)
        {
            Joint = new long[(long)_d * _d];
        }
        else if (pairs)
        {
            Overlaps = new long[(long)_m * _m];
            Agreements = new long[(long)_m * _m];
        }
    }

    /// <summary>Gets a value indicating whether pairwise counts are accumulated, or only the vote counts.</summary>
    public bool Pairs { get; }

    public long[] VoteCounts { get; }

    /// <summary>Gets the joint counts, upper triangle of the <c>mK x mK</c> matrix, when joint counts are kept.</summary>
    public long[]? Joint { get; }

    /// <summary>Gets the overlap counts, upper triangle, when joint counts are not kept.</summary>
    public long[]? Overlaps { get; }

    /// <summary>Gets the agreement counts, upper triangle, when joint counts are not kept.</summary>
    public long[]? Agreements { get; }

    public long Covered { get; private set; }

    public long Items { get; private set; }

    public void Add(PairCountAccumulator other)
    {
        AddTo(VoteCounts, other.VoteCounts);
        if (Joint is not null)
        {
            AddTo(Joint, other.Joint!);
        }
        else if (Pairs)
        {
            AddTo(Overlaps!, other.Overlaps!);
            AddTo(Agreements!, other.Agreements!);
        }

        Covered += other.Covered;
        Items += other.Items;
    }

    /// <summary>Adds rows, each with its weight (1 when <paramref name="weights"/> is empty).</summary>
    /// <param name="rows">Row-major votes.</param>
    /// <param name="weights">One weight per row, or empty for weight 1.</param>
    /// <param name="weightOffset">Subtracted from every weight: 1 when the bitset kernel already counted each row once.</param>
    public void AddRowwise(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, long weightOffset)
    {
        _functions ??= new int[_m];
        _classes ??= new int[_m];
        int[] functions = _functions;
        int[] classes = _classes;
        int rowCount = rows.Length / _m;
        for (int r = 0; r < rowCount; r++)
        {
            long w = (weights.IsEmpty ? 1 : weights[r]) - weightOffset;
            if (w == 0)
            {
                continue;
            }

            ReadOnlySpan<sbyte> row = rows.Slice(r * _m, _m);
            int t = 0;
            for (int j = 0; j < row.Length; j++)
            {
                int v = row[j];
                if (v >= 0)
                {
                    functions[t] = j;
                    classes[t++] = v;
                }
            }

            Items += w;
            if (t == 0)
            {
                continue;
            }

            Covered += w;
            for (int s = 0; s < t; s++)
            {
                int p = (functions[s] * _k) + classes[s];
                VoteCounts[p] += w;
                if (!Pairs)
                {
                    continue;
                }

                if (Joint is not null)
                {
                    long rowStart = (long)p * _d;
                    for (int u = s + 1; u < t; u++)
                    {
                        Joint[rowStart + (functions[u] * _k) + classes[u]] += w;
                    }
                }
                else
                {
                    long rowStart = (long)functions[s] * _m;
                    for (int u = s + 1; u < t; u++)
                    {
                        Overlaps![rowStart + functions[u]] += w;
                        if (classes[u] == classes[s])
                        {
                            Agreements![rowStart + functions[u]] += w;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds at most <see cref="BitsetBlockRows"/> rows of weight 1 with the bitset kernel.</summary>
    public void AddBitset(ReadOnlySpan<sbyte> rows)
    {
        int rowCount = rows.Length / _m;
        int words = (rowCount + 63) >> 6;
        _bits ??= new ulong[(long)_d * (BitsetBlockRows / 64)];
        _any ??= new ulong[BitsetBlockRows / 64];
        Span<ulong> bits = _bits.AsSpan(0, _d * words);
        bits.Clear();
        // Eight rows and 32 functions at a time where the rows allow: a compare per row and class, whose masks merge
        // into one byte per function, the eight rows' bits, written in place. The rest (the last functions of those
        // rows, and the rows after them) per row and class: a compare per 32 votes and a visit per vote; faster than a
        // branch per cell (which mispredicts) or a branch-free write per cell.
        var setter = new BitSetter(_bits, _k, words);
        int r = 0;
        int columns = _m & ~31;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian && columns > 0)
        {
            for (; r + 8 <= rowCount; r += 8)
            {
                SetBitsOfEightRows(rows.Slice(r * _m, 8 * _m), r, words, columns);
            }

            for (int tail = 0; tail < r; tail++)
            {
                ReadOnlySpan<sbyte> row = rows.Slice((tail * _m) + columns, _m - columns);
                for (int j = 0; j < row.Length; j++)
                {
                    if (row[j] >= 0)
                    {
                        _bits[((((columns + j) * _k) + row[j]) * words) + (tail >> 6)] |= 1UL << tail;
                    }
                }
            }
        }

        for (; r < rowCount; r++)
        {
            ReadOnlySpan<sbyte> row = rows.Slice(r * _m, _m);
            setter.Word = r >> 6;
            setter.Bit = 1UL << r;
            for (int c = 0; c < _k; c++)
            {
                setter.Label = c;
                VoteScan.ForEach(row, (sbyte)c, ref setter);
            }
        }

        Items += rowCount;
        Span<ulong> any = _any.AsSpan(0, words);
        any.Clear();
        Span<bool> present = _d <= 4096 ? stackalloc bool[_d] : new bool[_d];
        for (int p = 0; p < _d; p++)
        {
            ReadOnlySpan<ulong> bp = bits.Slice(p * words, words);
            long count = 0;
            for (int w = 0; w < words; w++)
            {
                count += BitOperations.PopCount(bp[w]);
                any[w] |= bp[w];
            }

            VoteCounts[p] += count;
            present[p] = count > 0;
        }

        foreach (ulong w in any)
        {
            Covered += BitOperations.PopCount(w);
        }

        if (!Pairs)
        {
            return;
        }

        if (Joint is not null)
        {
            for (int p = 0; p < _d; p++)
            {
                if (!present[p])
                {
                    continue;
                }

                ReadOnlySpan<ulong> bp = bits.Slice(p * words, words);
                long rowStart = (long)p * _d;
                for (int q = ((p / _k) + 1) * _k; q < _d; q++)
                {
                    if (present[q])
                    {
                        Joint[rowStart + q] += AndPopCount(bp, bits.Slice(q * words, words));
                    }
                }
            }

            return;
        }

        // Overlap needs each function's "voted at all" bitset; agreement sums over the classes.
        var voted = new ulong[_m * words];
        for (int j = 0; j < _m; j++)
        {
            Span<ulong> vj = voted.AsSpan(j * words, words);
            for (int c = 0; c < _k; c++)
            {
                ReadOnlySpan<ulong> b = bits.Slice(((j * _k) + c) * words, words);
                for (int w = 0; w < words; w++)
                {
                    vj[w] |= b[w];
                }
            }
        }

        for (int j = 0; j < _m; j++)
        {
            ReadOnlySpan<ulong> vj = voted.AsSpan(j * words, words);
            long rowStart = (long)j * _m;
            for (int k = j + 1; k < _m; k++)
            {
                long overlap = AndPopCount(vj, voted.AsSpan(k * words, words));
                if (overlap == 0)
                {
                    continue;
                }

                Overlaps![rowStart + k] += overlap;
                long agreement = 0;
                for (int c = 0; c < _k; c++)
                {
                    int p = (j * _k) + c;
                    int q = (k * _k) + c;
                    if (present[p] && present[q])
                    {
                        agreement += AndPopCount(bits.Slice(p * words, words), bits.Slice(q * words, words));
                    }
                }

                Agreements![rowStart + k] += agreement;
            }
        }
    }

    /// <summary>Sets the bits of eight rows, starting at a multiple of 8, for the first <paramref name="columns"/> functions (a multiple of 32).</summary>
    private void SetBitsOfEightRows(ReadOnlySpan<sbyte> rows, int first, int words, int columns)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(_bits.AsSpan());
        Span<byte> merged = stackalloc byte[32];
        int word = first >> 6;
        int part = (first >> 3) & 7;
        for (int j0 = 0; j0 < columns; j0 += 32)
        {
            for (int c = 0; c < _k; c++)
            {
                Vector256<sbyte> label = Vector256.Create((sbyte)c);
                Vector256<byte> bits = Vector256<byte>.Zero;
                for (int i = 0; i < 8; i++)
                {
                    bits |= Vector256.Equals(Vector256.Create(rows.Slice((i * _m) + j0, 32)), label).AsByte() & Vector256.Create((byte)(1 << i));
                }

                bits.CopyTo(merged);
                for (int t = 0; t < 32; t++)
                {
                    bytes[(((((j0 + t) * _k) + c) * words) + word) * 8 + part] = merged[t];
                }
            }
        }
    }

    /// <summary>Sets the bit of one item in the bitset of (function, label) for each function that voted the label.</summary>
    private struct BitSetter(ulong[] bits, int classCount, int words) : IVoteVisitor
    {
        public int Word;
        public ulong Bit;
        public int Label;

        public readonly void Visit(int function) => bits[((((function * classCount) + Label)) * words) + Word] |= Bit;
    }

    private static long AndPopCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int w = 0;
        if (Avx512BW.IsSupported && a.Length >= 8)
        {
            // Eight words at a time: each byte's bits counted by two nibble lookups, the bytes summed per word.
            Vector512<byte> nibbles = Vector512.Create(NibbleCounts).AsByte();
            Vector512<byte> low = Vector512.Create((byte)0x0F);
            Vector512<ulong> sum = Vector512<ulong>.Zero;
            for (; w + 8 <= a.Length; w += 8)
            {
                Vector512<byte> x = (Vector512.Create(a[w..]) & Vector512.Create(b[w..])).AsByte();
                Vector512<byte> counts = Avx512BW.Shuffle(nibbles, x & low) + Avx512BW.Shuffle(nibbles, Vector512.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & low);
                sum += Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
            }

            s0 = (long)Vector512.Sum(sum);
        }

        for (; w + 4 <= a.Length; w += 4)
        {
            s0 += BitOperations.PopCount(a[w] & b[w]);
            s1 += BitOperations.PopCount(a[w + 1] & b[w + 1]);
            s2 += BitOperations.PopCount(a[w + 2] & b[w + 2]);
            s3 += BitOperations.PopCount(a[w + 3] & b[w + 3]);
        }

        for (; w < a.Length; w++)
        {
            s0 += BitOperations.PopCount(a[w] & b[w]);
        }

        return s0 + s1 + s2 + s3;
    }

    /// <summary>The number of set bits of each nibble value, once per 16-byte lane of a 512-bit vector.</summary>
    private static ReadOnlySpan<byte> NibbleCounts =>
    [
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
    ];

    private static void AddTo(long[] target, long[] source)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }
}
