using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alchemist;

/// <summary>
/// The AVX-512 kernels of a pass: the 8-wide graph layers compute two entries at once in a 16-wide vector, their
/// embeddings interleaved (entry <c>t</c>'s value <c>x</c> at <c>(t / 2) * 16 + 2 x + t % 2</c>), so that an input value
/// of both entries is one 8-byte broadcast and each weight vector holds every weight twice; the last layer computes
/// its 32 outputs as two 16-wide vectors. Each output value is computed with the same operations in the same order as
/// by the 8-wide kernels; only the row means are summed in another order (even and odd entries apart, then added).
/// </summary>
/// <remarks>
/// A row of an odd number of entries is computed with one entry more (column 0, value 0), whose lanes are zeroed after
/// every layer so that they add nothing to the row's sums; it is never read as an entry.
/// </remarks>
internal sealed partial class HyperPass
{
    /// <summary>Gets whether this machine runs the paired kernels: AVX-512 with 512-bit vectors accelerated.</summary>
    public static bool PairedSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Computes the entries' interleaved embeddings after layers 1..<paramref name="depth"/> (at most 3, each 8 wide), and their sum over the row, interleaved.</summary>
    /// <param name="depth">The number of layers to run.</param>
    /// <param name="columns">The row's entry columns, with room for one more.</param>
    /// <param name="values">The row's entry values, with room for one more.</param>
    /// <param name="count">The number of entries, at least one.</param>
    /// <param name="valueSum">The sum of the entries' values (+1 and -1).</param>
    /// <param name="first">A buffer of at least 8 (count + 1) floats.</param>
    /// <param name="second">Another.</param>
    /// <param name="rowSum">Receives the sum of the returned embeddings over the row's entries, interleaved (even entries in even lanes).</param>
    private Span<float> EmbedPaired(int depth, Span<int> columns, Span<float> values, int count, int valueSum, Span<float> first, Span<float> second, out Vector512<float> rowSum)
    {
        int length = 8 * (count + 1);
        if (count < 1 || columns.Length <= count || values.Length <= count || first.Length < length || second.Length < length)
        {
            throw new ArgumentException("The entry buffers are shorter than the row and its spare entry.", nameof(columns));
        }

        columns[count] = 0;
        values[count] = 0;
        rowSum = FirstLayerPaired(columns, values, count, valueSum, first);
        for (int layer = 1; layer < depth; layer++)
        {
            bool odd = layer % 2 == 1;
            rowSum = MiddleLayerPaired(layer, columns, count, odd ? first : second, odd ? second : first, rowSum);
        }

        return depth % 2 == 1 ? first : second;
    }

    /// <summary>Adds each entry's 8 interleaved values to its column's 8 float sums, entry by entry in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPairedToColumns(ReadOnlySpan<int> columns, ReadOnlySpan<float> paired, float[] sums)
    {
        int count = columns.Length;
        ref float inRef = ref MemoryMarshal.GetReference(paired[..(8 * (count + 1))]);
        ref float sumRef = ref MemoryMarshal.GetArrayDataReference(sums);
        Vector512<int> split = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        for (int t = 0; t < count; t += 2)
        {
            Vector512<float> both = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref inRef, (nuint)t * 8), split);
            ref float target = ref Unsafe.Add(ref sumRef, columns[t] * 8);
            (Vector256.LoadUnsafe(ref target) + both.GetLower()).StoreUnsafe(ref target);
            if (t + 1 < count)
            {
                target = ref Unsafe.Add(ref sumRef, columns[t + 1] * 8);
                (Vector256.LoadUnsafe(ref target) + both.GetUpper()).StoreUnsafe(ref target);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector512<float> FirstLayerPaired(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, int count, int valueSum, Span<float> output)
    {
        HyperLayer layer = _network.Layers[0];
        // The values are +1 and -1, so their float sum in the 8-wide kernel's order is this integer, exactly.
        float rowMean = (float)valueSum / count;
        Vector256<float> rowTerm = Vector256.FusedMultiplyAdd(Vector256.Create(layer.Row), Vector256.Create(rowMean), Vector256.Create(GlobalTerms[0]));
        Vector512<float> rowPair = Avx512F.PermuteVar16x32(rowTerm.ToVector512Unsafe(), Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7));
        Vector512<float> self = Vector512.Create(layer.SelfPaired);
        Vector512<float> oddLanes = OddLanes;
        int pairs = (count + 1) / 2;
        ref float columnRef = ref MemoryMarshal.GetArrayDataReference(_columnPairTerms[0]);
        ref int entryColumns = ref MemoryMarshal.GetReference(columns[..(2 * pairs)]);
        ref float valueRef = ref MemoryMarshal.GetReference(values[..(2 * pairs)]);
        ref float outRef = ref MemoryMarshal.GetReference(output[..(16 * pairs)]);
        Vector512<float> sum = Vector512<float>.Zero;

        // Every pair but the last holds two real entries; the last may hold the spare, whose lanes are zeroed.
        nint last = pairs - 1;
        for (nint p = 0; p < last; p++)
        {
            Vector512<float> z = FirstPair(ref Unsafe.Add(ref entryColumns, 2 * p), ref Unsafe.Add(ref valueRef, 2 * p), ref columnRef, rowPair, self, oddLanes);
            z.StoreUnsafe(ref outRef, (nuint)(16 * p));
            sum += z;
        }

        Vector512<float> lastZ = FirstPair(ref Unsafe.Add(ref entryColumns, 2 * last), ref Unsafe.Add(ref valueRef, 2 * last), ref columnRef, rowPair, self, oddLanes) & Keep((2 * last) + 1 < count);
        lastZ.StoreUnsafe(ref outRef, (nuint)(16 * last));
        sum += lastZ;
        return sum;
    }

    /// <summary>Computes one pair of entries' first-layer outputs (before the spare's lanes are zeroed) from their columns and values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FirstPair(ref int columns, ref float values, ref float columnPairTerms, Vector512<float> rowPair, Vector512<float> self, Vector512<float> oddLanes)
    {
        Vector512<float> column = ColumnPair(ref columns, ref columnPairTerms, oddLanes);
        Vector512<float> value = Vector512.Create(Unsafe.ReadUnaligned<double>(ref Unsafe.As<float, byte>(ref values))).AsSingle();
        return Leaky(Vector512.FusedMultiplyAdd(self, value, rowPair + column));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector512<float> MiddleLayerPaired(int index, ReadOnlySpan<int> columns, int count, ReadOnlySpan<float> input, Span<float> output, Vector512<float> inputSum)
    {
        HyperLayer layer = _network.Layers[index];
        Vector256<float> rowTerm = RowTermsOfMean(layer, GlobalTerms[index], Mean(inputSum, count), stackalloc Vector256<float>[1])[0];
        Vector512<float> rowPair = Avx512F.PermuteVar16x32(rowTerm.ToVector512Unsafe(), Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7));
        ReadOnlySpan<float> self = layer.SelfPaired;
        Vector512<float> s0 = Vector512.Create(self[..16]), s1 = Vector512.Create(self.Slice(16, 16)), s2 = Vector512.Create(self.Slice(32, 16)), s3 = Vector512.Create(self.Slice(48, 16));
        Vector512<float> s4 = Vector512.Create(self.Slice(64, 16)), s5 = Vector512.Create(self.Slice(80, 16)), s6 = Vector512.Create(self.Slice(96, 16)), s7 = Vector512.Create(self.Slice(112, 16));
        Vector512<float> oddLanes = OddLanes;
        int pairs = (count + 1) / 2;
        ref float columnRef = ref MemoryMarshal.GetArrayDataReference(_columnPairTerms[index]);
        ref int entryColumns = ref MemoryMarshal.GetReference(columns[..(2 * pairs)]);
        ref float inRef = ref MemoryMarshal.GetReference(input[..(16 * pairs)]);
        ref float outRef = ref MemoryMarshal.GetReference(output[..(16 * pairs)]);
        Vector512<float> sum = Vector512<float>.Zero;

        // Every pair but the last holds two real entries; the last may hold the spare, whose lanes are zeroed.
        nint last = pairs - 1;
        for (nint p = 0; p < last; p++)
        {
            Vector512<float> z = MiddlePair(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref inRef, 16 * p)), ref Unsafe.Add(ref entryColumns, 2 * p), ref columnRef, rowPair, oddLanes, s0, s1, s2, s3, s4, s5, s6, s7);
            z.StoreUnsafe(ref outRef, (nuint)(16 * p));
            sum += z;
        }

        Vector512<float> lastZ = MiddlePair(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref inRef, 16 * last)), ref Unsafe.Add(ref entryColumns, 2 * last), ref columnRef, rowPair, oddLanes, s0, s1, s2, s3, s4, s5, s6, s7) & Keep((2 * last) + 1 < count);
        lastZ.StoreUnsafe(ref outRef, (nuint)(16 * last));
        sum += lastZ;
        return sum;
    }

    /// <summary>Computes one pair of entries' outputs of a middle layer (before the spare's lanes are zeroed): the input values at <paramref name="e"/>, interleaved, and the entries' columns at <paramref name="columns"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MiddlePair(
        ref byte e,
        ref int columns,
        ref float columnPairTerms,
        Vector512<float> rowPair,
        Vector512<float> oddLanes,
        Vector512<float> s0,
        Vector512<float> s1,
        Vector512<float> s2,
        Vector512<float> s3,
        Vector512<float> s4,
        Vector512<float> s5,
        Vector512<float> s6,
        Vector512<float> s7)
    {
        Vector512<float> a = rowPair + ColumnPair(ref columns, ref columnPairTerms, oddLanes);

        // Input k of both entries is the 8 bytes at 8 k, broadcast: [e_t[k], e_t+1[k]] eight times.
        a = Vector512.FusedMultiplyAdd(s0, Pair(ref e, 0), a);
        Vector512<float> b = s1 * Pair(ref e, 8);
        a = Vector512.FusedMultiplyAdd(s2, Pair(ref e, 16), a);
        b = Vector512.FusedMultiplyAdd(s3, Pair(ref e, 24), b);
        a = Vector512.FusedMultiplyAdd(s4, Pair(ref e, 32), a);
        b = Vector512.FusedMultiplyAdd(s5, Pair(ref e, 40), b);
        a = Vector512.FusedMultiplyAdd(s6, Pair(ref e, 48), a);
        b = Vector512.FusedMultiplyAdd(s7, Pair(ref e, 56), b);
        return Leaky(a + b);
    }

    /// <summary>Runs the last graph layer (8 to 32) on interleaved inputs and averages its outputs over the row: the item embedding.</summary>
    /// <remarks>Each entry's 32 outputs are two 16-wide vectors, with the 8-wide kernel's operations in its order, and are summed entry by entry.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FinalLayerPaired(ReadOnlySpan<int> columns, ReadOnlySpan<float> input, Vector512<float> inputSum, Span<float> embedding)
    {
        HyperLayer layer = _network.Layers[3];
        int count = columns.Length;
        Span<Vector256<float>> rowTerms = RowTermsOfMean(layer, GlobalTerms[3], Mean(inputSum, count), stackalloc Vector256<float>[4]);
        Vector512<float> r0 = Vector512.Create(rowTerms[0], rowTerms[1]), r1 = Vector512.Create(rowTerms[2], rowTerms[3]);
        ref float selfRef = ref MemoryMarshal.GetReference(layer.Self.AsSpan(0, 256));
        ref float columnRef = ref MemoryMarshal.GetArrayDataReference(ColumnTerms[3]);
        ref float inRef = ref MemoryMarshal.GetReference(input[..(8 * (count + 1))]);
        Vector512<float> sum0 = Vector512<float>.Zero, sum1 = Vector512<float>.Zero;

        // The weights of input k are self[32 k .. 32 k + 32): sixteen vectors, kept in registers across the entries.
        Vector512<float> w00 = Vector512.LoadUnsafe(ref selfRef), w01 = Vector512.LoadUnsafe(ref selfRef, 16);
        Vector512<float> w10 = Vector512.LoadUnsafe(ref selfRef, 32), w11 = Vector512.LoadUnsafe(ref selfRef, 48);
        Vector512<float> w20 = Vector512.LoadUnsafe(ref selfRef, 64), w21 = Vector512.LoadUnsafe(ref selfRef, 80);
        Vector512<float> w30 = Vector512.LoadUnsafe(ref selfRef, 96), w31 = Vector512.LoadUnsafe(ref selfRef, 112);
        Vector512<float> w40 = Vector512.LoadUnsafe(ref selfRef, 128), w41 = Vector512.LoadUnsafe(ref selfRef, 144);
        Vector512<float> w50 = Vector512.LoadUnsafe(ref selfRef, 160), w51 = Vector512.LoadUnsafe(ref selfRef, 176);
        Vector512<float> w60 = Vector512.LoadUnsafe(ref selfRef, 192), w61 = Vector512.LoadUnsafe(ref selfRef, 208);
        Vector512<float> w70 = Vector512.LoadUnsafe(ref selfRef, 224), w71 = Vector512.LoadUnsafe(ref selfRef, 240);
        for (int t = 0; t < count; t++)
        {
            // Input k of entry t is at e + 2 k; even inputs in the a chains, odd ones in the b chains, as the 8-wide kernel.
            ref float e = ref Unsafe.Add(ref inRef, ((t >> 1) * 16) + (t & 1));
            ref float column = ref Unsafe.Add(ref columnRef, columns[t] * 32);
            Vector512<float> a0 = r0 + Vector512.LoadUnsafe(ref column), a1 = r1 + Vector512.LoadUnsafe(ref column, 16);
            Vector512<float> x = Vector512.Create(e), y = Vector512.Create(Unsafe.Add(ref e, 2));
            a0 = Vector512.FusedMultiplyAdd(w00, x, a0);
            a1 = Vector512.FusedMultiplyAdd(w01, x, a1);
            Vector512<float> b0 = Vector512.FusedMultiplyAdd(w10, y, Vector512<float>.Zero);
            Vector512<float> b1 = Vector512.FusedMultiplyAdd(w11, y, Vector512<float>.Zero);
            x = Vector512.Create(Unsafe.Add(ref e, 4));
            y = Vector512.Create(Unsafe.Add(ref e, 6));
            a0 = Vector512.FusedMultiplyAdd(w20, x, a0);
            a1 = Vector512.FusedMultiplyAdd(w21, x, a1);
            b0 = Vector512.FusedMultiplyAdd(w30, y, b0);
            b1 = Vector512.FusedMultiplyAdd(w31, y, b1);
            x = Vector512.Create(Unsafe.Add(ref e, 8));
            y = Vector512.Create(Unsafe.Add(ref e, 10));
            a0 = Vector512.FusedMultiplyAdd(w40, x, a0);
            a1 = Vector512.FusedMultiplyAdd(w41, x, a1);
            b0 = Vector512.FusedMultiplyAdd(w50, y, b0);
            b1 = Vector512.FusedMultiplyAdd(w51, y, b1);
            x = Vector512.Create(Unsafe.Add(ref e, 12));
            y = Vector512.Create(Unsafe.Add(ref e, 14));
            a0 = Vector512.FusedMultiplyAdd(w60, x, a0);
            a1 = Vector512.FusedMultiplyAdd(w61, x, a1);
            b0 = Vector512.FusedMultiplyAdd(w70, y, b0);
            b1 = Vector512.FusedMultiplyAdd(w71, y, b1);
            sum0 += Leaky(a0 + b0);
            sum1 += Leaky(a1 + b1);
        }

        (sum0 / count).CopyTo(embedding[..16]);
        (sum1 / count).CopyTo(embedding.Slice(16, 16));
    }

    /// <summary>The row mean of 8-wide embeddings from their interleaved sum: even and odd entries' sums added, divided by the count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mean(Vector512<float> interleavedSum, int count)
    {
        Vector512<float> split = Avx512F.PermuteVar16x32(interleavedSum, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
        return (split.GetLower() + split.GetUpper()) / count;
    }

    /// <summary>Reads 8 bytes at <paramref name="offset"/> (two floats) and broadcasts them to a 16-wide vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(ref byte source, int offset) =>
        Vector512.Create(Unsafe.ReadUnaligned<double>(ref Unsafe.Add(ref source, offset))).AsSingle();

    /// <summary>Gets a mask of the odd lanes (the second entry of a pair).</summary>
    private static Vector512<float> OddLanes => Vector512.Create(-1L << 32).AsSingle();

    /// <summary>
    /// Reads two entries' 8-wide column terms interleaved (the first entry's in the even lanes, the second's in the odd
    /// ones) from the terms with every value twice: two loads and a blend, a shorter chain before the entries' first
    /// addition than two half loads and a two-source permutation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ColumnPair(ref int columns, ref float columnPairTerms, Vector512<float> oddLanes) =>
        Vector512.ConditionalSelect(
            oddLanes,
            Vector512.LoadUnsafe(ref columnPairTerms, (nuint)(uint)Unsafe.Add(ref columns, 1) * 16),
            Vector512.LoadUnsafe(ref columnPairTerms, (nuint)(uint)columns * 16));

    /// <summary>All lanes when both entries of a pair are real; the even lanes (the first entry) when the second is the spare.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Keep(bool both) =>
        both ? Vector512<float>.AllBitsSet : Vector512.Create(0x0000_0000_FFFF_FFFFL).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Leaky(Vector512<float> z) => Vector512.MaxNative(z, z * HyperNetwork.LeakySlope);
}
