using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alchemist;

/// <summary>The inner loops of multinomial logistic regression over one row: scores <c>x W + b</c>, the softmax, and the gradient update <c>W += x^T r</c>.</summary>
/// <remarks>
/// <para>
/// Weights are feature-major: the <c>K</c> weights of a feature are contiguous. A row is a sparse part (column indices and
/// values) and an optional dense part whose columns start at <c>denseOffset</c>. Every multiply-add is fused, so results
/// do not depend on the hardware's vector width.
/// </para>
/// <para>
/// Indices are not bounds-checked in the loops: callers pass column indices below the number of weight rows, which
/// <see cref="TextFeatureSpace"/> guarantees and <see cref="SoftmaxObjective"/> checks once. Two classes, the common
/// case, get a path that keeps a row's scores in 128-bit registers with two accumulators.
/// </para>
/// </remarks>
internal static class LinearScores
{
    /// <summary>Computes the scores <c>x W + b</c> of one row into <paramref name="scores"/> (one per class).</summary>
    public static void Score(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> dense, int denseOffset, ReadOnlySpan<double> weights, ReadOnlySpan<double> intercepts, Span<double> scores)
    {
        int k = scores.Length;
        Debug.Assert(indices.Length == values.Length && intercepts.Length == k);
        Debug.Assert(dense.IsEmpty || (denseOffset + dense.Length) * k <= weights.Length);
        ref double w = ref MemoryMarshal.GetReference(weights);
        ref int index = ref MemoryMarshal.GetReference(indices);
        ref float value = ref MemoryMarshal.GetReference(values);
        if (k == 2)
        {
            Vector128<double> even = Vector128.Create(intercepts[0], intercepts[1]);
            Vector128<double> odd = Vector128<double>.Zero;
            int e = 0;
            for (; e + 1 < indices.Length; e += 2)
            {
                even = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref w, (nuint)Unsafe.Add(ref index, e) * 2), Vector128.Create((double)Unsafe.Add(ref value, e)), even);
                odd = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref w, (nuint)Unsafe.Add(ref index, e + 1) * 2), Vector128.Create((double)Unsafe.Add(ref value, e + 1)), odd);
            }

            if (e < indices.Length)
            {
                even = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref w, (nuint)Unsafe.Add(ref index, e) * 2), Vector128.Create((double)Unsafe.Add(ref value, e)), even);
            }

            for (int d = 0; d < dense.Length; d++)
            {
                even = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref w, (nuint)(denseOffset + d) * 2), Vector128.Create((double)dense[d]), even);
            }

            (even + odd).CopyTo(scores);
            return;
        }

        intercepts.CopyTo(scores);
        ref double s = ref MemoryMarshal.GetReference(scores);
        for (int e = 0; e < indices.Length; e++)
        {
            AddScaled(ref s, ref Unsafe.Add(ref w, (nint)Unsafe.Add(ref index, e) * k), Unsafe.Add(ref value, e), k);
        }

        for (int d = 0; d < dense.Length; d++)
        {
            AddScaled(ref s, ref Unsafe.Add(ref w, (nint)(denseOffset + d) * k), dense[d], k);
        }
    }

    /// <summary>Adds the outer product of one row and a residual to a gradient: <c>G[j] += x[j] * r</c> for each column <c>j</c> of the row.</summary>
    public static void AddGradient(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> dense, int denseOffset, ReadOnlySpan<double> residual, Span<double> gradient)
    {
        int k = residual.Length;
        Debug.Assert(indices.Length == values.Length);
        Debug.Assert(dense.IsEmpty || (denseOffset + dense.Length) * k <= gradient.Length);
        ref double g = ref MemoryMarshal.GetReference(gradient);
        ref int index = ref MemoryMarshal.GetReference(indices);
        ref float value = ref MemoryMarshal.GetReference(values);
        if (k == 2)
        {
            var r = Vector128.Create(residual[0], residual[1]);
            for (int e = 0; e < indices.Length; e++)
            {
                ref double target = ref Unsafe.Add(ref g, (nint)Unsafe.Add(ref index, e) * 2);
                Vector128.FusedMultiplyAdd(r, Vector128.Create((double)Unsafe.Add(ref value, e)), Vector128.LoadUnsafe(ref target)).StoreUnsafe(ref target);
            }

            for (int d = 0; d < dense.Length; d++)
            {
                ref double target = ref Unsafe.Add(ref g, (nint)(denseOffset + d) * 2);
                Vector128.FusedMultiplyAdd(r, Vector128.Create((double)dense[d]), Vector128.LoadUnsafe(ref target)).StoreUnsafe(ref target);
            }

            return;
        }

        ref double rr = ref MemoryMarshal.GetReference(residual);
        for (int e = 0; e < indices.Length; e++)
        {
            AddScaled(ref Unsafe.Add(ref g, (nint)Unsafe.Add(ref index, e) * k), ref rr, Unsafe.Add(ref value, e), k);
        }

        for (int d = 0; d < dense.Length; d++)
        {
            AddScaled(ref Unsafe.Add(ref g, (nint)(denseOffset + d) * k), ref rr, dense[d], k);
        }
    }

    /// <summary>Turns scores into probabilities in place and returns the log of the normalizer.</summary>
    public static double Softmax(Span<double> scores)
    {
        double max = TensorPrimitives.Max<double>(scores);
        double sum = 0;
        for (int c = 0; c < scores.Length; c++)
        {
            scores[c] = Math.Exp(scores[c] - max);
            sum += scores[c];
        }

        for (int c = 0; c < scores.Length; c++)
        {
            scores[c] /= sum;
        }

        return max + Math.Log(sum);
    }

    /// <summary><c>destination[c] += source[c] * scale</c> for <c>c &lt; k</c>, two lanes at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(ref double destination, ref double source, double scale, int k)
    {
        var factor = Vector128.Create(scale);
        int c = 0;
        for (; c + 1 < k; c += 2)
        {
            Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref source, (nuint)c), factor, Vector128.LoadUnsafe(ref destination, (nuint)c)).StoreUnsafe(ref destination, (nuint)c);
        }

        if (c < k)
        {
            Unsafe.Add(ref destination, c) = Math.FusedMultiplyAdd(Unsafe.Add(ref source, c), scale, Unsafe.Add(ref destination, c));
        }
    }
}
