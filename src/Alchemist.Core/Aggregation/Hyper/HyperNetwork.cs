using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Alchemist;

/// <summary>
/// The pretrained weights of the hyper label model (LELA; Wu, Chen, Zhang and Chu, ICLR 2023), folded for a fast forward
/// pass: four graph layers over the non-abstain entries of a label matrix and a three-layer classifier over each item's
/// mean entry embedding.
/// </summary>
/// <remarks>
/// <para>
/// A reference layer maps an entry embedding <c>e</c> (in row <c>i</c>, column <c>j</c>) to
/// <c>LeakyReLU(W [S e + bs; R r_i + br; C c_j + bc; G g + bg] + b)</c>, where <c>r_i</c>, <c>c_j</c> and <c>g</c> are
/// the means of the previous layer's embeddings over the row, the column and the whole matrix. The linear maps commute
/// with the means, so the layer is folded into <c>LeakyReLU(A_self e + A_row r_i + A_col c_j + A_global g + a)</c>:
/// four small matrices and one bias, computed once in double precision.
/// </para>
/// <para>
/// The weights are the reference checkpoint (github.com/wurenzhi/hyper_label_model, MIT), embedded in this assembly
/// beside its licence (<c>Aggregation/Hyper/LICENSE</c>).
/// </para>
/// </remarks>
internal sealed class HyperNetwork
{
    /// <summary>The slope of the reference's LeakyReLU for negative inputs.</summary>
    public const float LeakySlope = 0.01f;

    /// <summary>The width of the last graph layer and of the classifier.</summary>
    public const int EmbeddingWidth = 32;

    private const string ResourceName = "Alchemist.HyperLabelModel.weights.json";

    private static readonly Lazy<HyperNetwork> LazyPretrained = new(LoadPretrained);

    private readonly float[] _hidden1ByInput;
    private readonly float[] _hidden2ByInput;

    private HyperNetwork(HyperLayer[] layers, float[] classify0, float[] classify0Bias, float[] classify2, float[] classify2Bias, float[] classify4, float classify4Bias)
    {
        Layers = layers;
        _hidden1ByInput = Transpose(classify0);
        _hidden2ByInput = Transpose(classify2);
        Hidden1 = classify0;
        Hidden1Bias = classify0Bias;
        Hidden2 = classify2;
        Hidden2Bias = classify2Bias;
        Output = classify4;
        OutputBias = classify4Bias;
        EmptyRowProbability = ClassifyEmbedding(new float[EmbeddingWidth]);
    }

    /// <summary>Gets the network of the reference checkpoint, read once from the embedded resource.</summary>
    public static HyperNetwork Pretrained => LazyPretrained.Value;

    /// <summary>Gets the four folded graph layers.</summary>
    public HyperLayer[] Layers { get; }

    /// <summary>Gets the first classifier layer, 32 x 32 row-major (out x in).</summary>
    public float[] Hidden1 { get; }

    /// <summary>Gets the first classifier layer's bias.</summary>
    public float[] Hidden1Bias { get; }

    /// <summary>Gets the second classifier layer, 32 x 32 row-major (out x in).</summary>
    public float[] Hidden2 { get; }

    /// <summary>Gets the second classifier layer's bias.</summary>
    public float[] Hidden2Bias { get; }

    /// <summary>Gets the output layer's 32 weights.</summary>
    public float[] Output { get; }

    /// <summary>Gets the output layer's bias.</summary>
    public float OutputBias { get; }

    /// <summary>Gets the classifier's output for an item without votes (an all-zero embedding): 0.5074 for this checkpoint, as in the reference, not exactly one half.</summary>
    public float EmptyRowProbability { get; }

    /// <summary>Computes the classifier's probability for one item embedding: two LeakyReLU layers and a sigmoid.</summary>
    /// <param name="embedding">The item's mean entry embedding, <see cref="EmbeddingWidth"/> values.</param>
    public float ClassifyEmbedding(ReadOnlySpan<float> embedding)
    {
        Span<float> first = stackalloc float[EmbeddingWidth];
        Span<float> second = stackalloc float[EmbeddingWidth];
        Dense(_hidden1ByInput, Hidden1Bias, embedding, first);
        Dense(_hidden2ByInput, Hidden2Bias, first, second);
        return Sigmoid(second);
    }

    /// <summary>Computes the classifier's probabilities for two item embeddings, each with the operations of <see cref="ClassifyEmbedding"/> in its order; the two are computed side by side, so that the processor overlaps their chains of multiply-adds.</summary>
    /// <param name="a">One item's mean entry embedding, <see cref="EmbeddingWidth"/> values.</param>
    /// <param name="b">Another's.</param>
    /// <param name="probabilityA">Receives the probability of <paramref name="a"/>.</param>
    /// <param name="probabilityB">Receives the probability of <paramref name="b"/>.</param>
    public void ClassifyEmbeddings(ReadOnlySpan<float> a, ReadOnlySpan<float> b, out float probabilityA, out float probabilityB)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            probabilityA = ClassifyEmbedding(a);
            probabilityB = ClassifyEmbedding(b);
            return;
        }

        Span<float> firstA = stackalloc float[EmbeddingWidth];
        Span<float> firstB = stackalloc float[EmbeddingWidth];
        Span<float> secondA = stackalloc float[EmbeddingWidth];
        Span<float> secondB = stackalloc float[EmbeddingWidth];
        DenseTwo(_hidden1ByInput, Hidden1Bias, a, b, firstA, firstB);
        DenseTwo(_hidden2ByInput, Hidden2Bias, firstA, firstB, secondA, secondB);
        probabilityA = Sigmoid(secondA);
        probabilityB = Sigmoid(secondB);
    }

    /// <summary>Reads a network from the reference checkpoint's tensors in JSON (<c>{"tensors": {name: {"shape", "values"}}}</c>).</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape.</exception>
    internal static HyperNetwork Read(Stream json) => FromTensors(ReadTensors(json));

    /// <summary>Reads the reference checkpoint's tensors from JSON, each checked against its shape in the reference architecture, in the order of <see cref="TensorShapes"/>.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape.</exception>
    internal static float[][] ReadTensors(Stream json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement tensors = document.RootElement.GetProperty("tensors");
        float[] Tensor(string name, int[] shape)
        {
            if (!tensors.TryGetProperty(name, out JsonElement tensor))
            {
                throw new InvalidDataException($"The hyper label model's weights lack the tensor '{name}'.");
            }

            int[] actual = [.. tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
            if (!actual.SequenceEqual(shape))
            {
                throw new InvalidDataException($"The tensor '{name}' has shape [{string.Join(", ", actual)}]; expected [{string.Join(", ", shape)}].");
            }

            float[] values = [.. tensor.GetProperty("values").EnumerateArray().Select(e => e.GetSingle())];
            return values.Length == shape.Aggregate(1, (a, b) => a * b)
                ? values
                : throw new InvalidDataException($"The tensor '{name}' holds {values.Length} values for its shape [{string.Join(", ", shape)}].");
        }

        return [.. TensorShapes.Select(t => Tensor(t.Name, t.Shape))];
    }

    /// <summary>
    /// Gets the reference architecture's 46 tensors (4,641 values) in a fixed order: for each graph layer <c>l</c>,
    /// <c>matrix_net.l.linear</c> (weight, bias), then <c>linear_self</c>, <c>linear_row</c>, <c>linear_col</c> and
    /// <c>linear_global</c> (weight, bias each); then the classifier's <c>classify.0</c>, <c>classify.2</c> and
    /// <c>classify.4</c> (weight, bias each). Weights are out x in, row-major, as in PyTorch.
    /// </summary>
    internal static IReadOnlyList<(string Name, int[] Shape)> TensorShapes { get; } = BuildTensorShapes();

    /// <summary>Folds the reference architecture's tensors (in the order of <see cref="TensorShapes"/>) into a network.</summary>
    internal static HyperNetwork FromTensors(float[][] tensors)
    {
        int[] widths = [1, 8, 8, 8, EmbeddingWidth];
        var layers = new HyperLayer[4];
        for (int l = 0; l < layers.Length; l++)
        {
            int d = widths[l], o = widths[l + 1];
            int t = l * 10;
            layers[l] = HyperLayer.Fold(
                d,
                o,
                tensors[t],
                tensors[t + 1],
                [tensors[t + 2], tensors[t + 4], tensors[t + 6], tensors[t + 8]],
                [tensors[t + 3], tensors[t + 5], tensors[t + 7], tensors[t + 9]]);
        }

        return new HyperNetwork(layers, tensors[40], tensors[41], tensors[42], tensors[43], tensors[44], tensors[45][0]);
    }

    private static List<(string Name, int[] Shape)> BuildTensorShapes()
    {
        int[] widths = [1, 8, 8, 8, EmbeddingWidth];
        List<(string Name, int[] Shape)> shapes = [];
        for (int l = 0; l < 4; l++)
        {
            int d = widths[l], o = widths[l + 1];
            string prefix = $"matrix_net.{l}.";
            shapes.Add((prefix + "linear.weight", [o, 4 * d]));
            shapes.Add((prefix + "linear.bias", [o]));
            foreach (string part in (string[])["self", "row", "col", "global"])
            {
                shapes.Add((prefix + "linear_" + part + ".weight", [d, d]));
                shapes.Add((prefix + "linear_" + part + ".bias", [d]));
            }
        }

        shapes.Add(("classify.0.weight", [EmbeddingWidth, EmbeddingWidth]));
        shapes.Add(("classify.0.bias", [EmbeddingWidth]));
        shapes.Add(("classify.2.weight", [EmbeddingWidth, EmbeddingWidth]));
        shapes.Add(("classify.2.bias", [EmbeddingWidth]));
        shapes.Add(("classify.4.weight", [1, EmbeddingWidth]));
        shapes.Add(("classify.4.bias", [1]));
        return shapes;
    }

    /// <summary>Reads the reference checkpoint's tensors from the embedded resource (in the order of <see cref="TensorShapes"/>), for fine-tuning; a fresh copy each call.</summary>
    internal static float[][] ReadPretrainedTensors()
    {
        using Stream stream = typeof(HyperNetwork).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' (the hyper label model's weights) is missing from {typeof(HyperNetwork).Assembly.GetName().Name}.");
        return ReadTensors(stream);
    }

    private static HyperNetwork LoadPretrained() => FromTensors(ReadPretrainedTensors());

    /// <summary>Transposes a 32 x 32 out x in matrix to input by input, for broadcast multiply-adds.</summary>
    private static float[] Transpose(float[] weights)
    {
        var byInput = new float[weights.Length];
        for (int o = 0; o < EmbeddingWidth; o++)
        {
            for (int k = 0; k < EmbeddingWidth; k++)
            {
                byInput[(k * EmbeddingWidth) + o] = weights[(o * EmbeddingWidth) + k];
            }
        }

        return byInput;
    }

    /// <summary>The output layer and the sigmoid over the second hidden layer's values.</summary>
    private float Sigmoid(ReadOnlySpan<float> second)
    {
        float z = OutputBias;
        for (int k = 0; k < EmbeddingWidth; k++)
        {
            z += Output[k] * second[k];
        }

        return 1f / (1f + MathF.Exp(-z));
    }

    /// <summary><see cref="Dense"/> of two inputs at once with 512-bit vectors: each output with the same operations in the same order, the two inputs' chains interleaved.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void DenseTwo(float[] byInput, float[] bias, ReadOnlySpan<float> inputA, ReadOnlySpan<float> inputB, Span<float> outputA, Span<float> outputB)
    {
        if (byInput.Length != EmbeddingWidth * EmbeddingWidth || bias.Length != EmbeddingWidth || inputA.Length < EmbeddingWidth || inputB.Length < EmbeddingWidth
            || outputA.Length < EmbeddingWidth || outputB.Length < EmbeddingWidth)
        {
            throw new ArgumentException("A classifier layer is 32 x 32.", nameof(byInput));
        }

        ref float w = ref MemoryMarshal.GetArrayDataReference(byInput);
        ref float x = ref MemoryMarshal.GetReference(inputA);
        ref float y = ref MemoryMarshal.GetReference(inputB);
        Vector512<float> u0 = Vector512.Create(bias.AsSpan(0, 16)), u1 = Vector512.Create(bias.AsSpan(16, 16));
        Vector512<float> v0 = Vector512<float>.Zero, v1 = Vector512<float>.Zero;
        Vector512<float> p0 = u0, p1 = u1, q0 = v0, q1 = v1;
        for (int k = 0; k < EmbeddingWidth; k += 2)
        {
            ref float even = ref Unsafe.Add(ref w, k * EmbeddingWidth);
            ref float odd = ref Unsafe.Add(ref even, EmbeddingWidth);
            Vector512<float> we0 = Vector512.LoadUnsafe(ref even), we1 = Vector512.LoadUnsafe(ref even, 16);
            Vector512<float> wo0 = Vector512.LoadUnsafe(ref odd), wo1 = Vector512.LoadUnsafe(ref odd, 16);
            Vector512<float> a = Vector512.Create(Unsafe.Add(ref x, k)), b = Vector512.Create(Unsafe.Add(ref x, k + 1));
            Vector512<float> c = Vector512.Create(Unsafe.Add(ref y, k)), d = Vector512.Create(Unsafe.Add(ref y, k + 1));
            u0 = Vector512.FusedMultiplyAdd(we0, a, u0);
            u1 = Vector512.FusedMultiplyAdd(we1, a, u1);
            v0 = Vector512.FusedMultiplyAdd(wo0, b, v0);
            v1 = Vector512.FusedMultiplyAdd(wo1, b, v1);
            p0 = Vector512.FusedMultiplyAdd(we0, c, p0);
            p1 = Vector512.FusedMultiplyAdd(we1, c, p1);
            q0 = Vector512.FusedMultiplyAdd(wo0, d, q0);
            q1 = Vector512.FusedMultiplyAdd(wo1, d, q1);
        }

        u0 += v0;
        u1 += v1;
        p0 += q0;
        p1 += q1;
        Vector512.MaxNative(u0, u0 * LeakySlope).CopyTo(outputA[..16]);
        Vector512.MaxNative(u1, u1 * LeakySlope).CopyTo(outputA.Slice(16, 16));
        Vector512.MaxNative(p0, p0 * LeakySlope).CopyTo(outputB[..16]);
        Vector512.MaxNative(p1, p1 * LeakySlope).CopyTo(outputB.Slice(16, 16));
    }

    /// <summary>A 32 x 32 layer with LeakyReLU: the weights input by input, four 8-wide output chunks.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Dense(float[] byInput, float[] bias, ReadOnlySpan<float> input, Span<float> output)
    {
        if (byInput.Length != EmbeddingWidth * EmbeddingWidth || bias.Length != EmbeddingWidth || input.Length < EmbeddingWidth || output.Length < EmbeddingWidth)
        {
            throw new ArgumentException("A classifier layer is 32 x 32.", nameof(byInput));
        }

        // Even and odd inputs in separate chains: eight independent chains of multiply-adds instead of four.
        ref float w = ref MemoryMarshal.GetArrayDataReference(byInput);
        ref float x = ref MemoryMarshal.GetReference(input);
        if (Vector512.IsHardwareAccelerated)
        {
            // The same operations on each value, two 8-wide chunks per 16-wide vector.
            Vector512<float> u0 = Vector512.Create(bias.AsSpan(0, 16)), u1 = Vector512.Create(bias.AsSpan(16, 16));
            Vector512<float> v0 = Vector512<float>.Zero, v1 = Vector512<float>.Zero;
            for (int k = 0; k < EmbeddingWidth; k += 2)
            {
                ref float even = ref Unsafe.Add(ref w, k * EmbeddingWidth);
                ref float odd = ref Unsafe.Add(ref even, EmbeddingWidth);
                Vector512<float> a = Vector512.Create(Unsafe.Add(ref x, k));
                Vector512<float> b = Vector512.Create(Unsafe.Add(ref x, k + 1));
                u0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref even), a, u0);
                u1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref even, 16), a, u1);
                v0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref odd), b, v0);
                v1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref odd, 16), b, v1);
            }

            u0 += v0;
            u1 += v1;
            Vector512.MaxNative(u0, u0 * LeakySlope).CopyTo(output[..16]);
            Vector512.MaxNative(u1, u1 * LeakySlope).CopyTo(output.Slice(16, 16));
            return;
        }

        Vector256<float> z0 = Vector256.Create(bias.AsSpan(0, 8)), z1 = Vector256.Create(bias.AsSpan(8, 8));
        Vector256<float> z2 = Vector256.Create(bias.AsSpan(16, 8)), z3 = Vector256.Create(bias.AsSpan(24, 8));
        Vector256<float> y0 = Vector256<float>.Zero, y1 = Vector256<float>.Zero, y2 = Vector256<float>.Zero, y3 = Vector256<float>.Zero;
        for (int k = 0; k < EmbeddingWidth; k += 2)
        {
            ref float even = ref Unsafe.Add(ref w, k * EmbeddingWidth);
            ref float odd = ref Unsafe.Add(ref even, EmbeddingWidth);
            Vector256<float> a = Vector256.Create(Unsafe.Add(ref x, k));
            Vector256<float> b = Vector256.Create(Unsafe.Add(ref x, k + 1));
            z0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even), a, z0);
            z1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even, 8), a, z1);
            z2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even, 16), a, z2);
            z3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even, 24), a, z3);
            y0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd), b, y0);
            y1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd, 8), b, y1);
            y2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd, 16), b, y2);
            y3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd, 24), b, y3);
        }

        z0 += y0;
        z1 += y1;
        z2 += y2;
        z3 += y3;
        Vector256.MaxNative(z0, z0 * LeakySlope).CopyTo(output[..8]);
        Vector256.MaxNative(z1, z1 * LeakySlope).CopyTo(output.Slice(8, 8));
        Vector256.MaxNative(z2, z2 * LeakySlope).CopyTo(output.Slice(16, 8));
        Vector256.MaxNative(z3, z3 * LeakySlope).CopyTo(output.Slice(24, 8));
    }
}
