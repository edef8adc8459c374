using System.Runtime.Intrinsics;

namespace Alchemist;

/// <summary>
/// One graph layer of the hyper label model, folded: <c>e' = LeakyReLU(A_self e + A_row r + A_col c + A_global g + a)</c>.
/// Each matrix is stored input by input (for input <c>k</c>, the <see cref="OutputWidth"/> weights it feeds), so that an
/// entry's output is a sum of broadcast input values times contiguous vectors.
/// </summary>
internal sealed class HyperLayer
{
    private HyperLayer(int inputWidth, int outputWidth, float[] self, float[] row, float[] column, float[] global, float[] bias)
    {
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
        Self = self;
        Row = row;
        Column = column;
        Global = global;
        Bias = bias;
        SelfPaired = new float[inputWidth * outputWidth * 2];
        for (int k = 0; k < inputWidth; k++)
        {
            for (int o = 0; o < outputWidth; o++)
            {
                SelfPaired[(k * outputWidth * 2) + (2 * o)] = self[(k * outputWidth) + o];
                SelfPaired[(k * outputWidth * 2) + (2 * o) + 1] = self[(k * outputWidth) + o];
            }
        }

        RowChunks = new Vector256<float>[outputWidth / 8 * inputWidth];
        for (int chunk = 0; chunk < outputWidth / 8; chunk++)
        {
            for (int k = 0; k < inputWidth; k++)
            {
                RowChunks[(chunk * inputWidth) + k] = Vector256.Create(row, (k * outputWidth) + (chunk * 8));
            }
        }
    }

    /// <summary>Gets the width of the entry embeddings the layer reads.</summary>
    public int InputWidth { get; }

    /// <summary>Gets the width of the entry embeddings the layer writes; a multiple of 8.</summary>
    public int OutputWidth { get; }

    /// <summary>Gets <c>A_self</c>, input by input: <c>Self[k * OutputWidth + o]</c>.</summary>
    public float[] Self { get; }

    /// <summary>
    /// Gets <c>A_self</c> input by input with every weight twice (<c>SelfPaired[k * 2 * OutputWidth + 2 * o + p]</c>
    /// for <c>p</c> 0 and 1), for kernels that compute two entries at once with their values interleaved.
    /// </summary>
    public float[] SelfPaired { get; }

    /// <summary>Gets <c>A_row</c>, input by input.</summary>
    public float[] Row { get; }

    /// <summary>Gets <c>A_row</c> as 8-wide chunks of outputs, input by input within a chunk: <c>RowChunks[chunk * InputWidth + k]</c> holds <c>Row[k * OutputWidth + 8 chunk ..]</c>.</summary>
    public Vector256<float>[] RowChunks { get; }

    /// <summary>Gets <c>A_col</c>, input by input.</summary>
    public float[] Column { get; }

    /// <summary>Gets <c>A_global</c>, input by input.</summary>
    public float[] Global { get; }

    /// <summary>Gets the folded bias <c>a = b + W_self bs + W_row br + W_col bc + W_global bg</c>.</summary>
    public float[] Bias { get; }

    /// <summary>Folds a reference layer: <c>linear</c> (<c>o x 4d</c>, its input the concatenation self, row, column, global) and the four <c>d x d</c> maps.</summary>
    /// <param name="d">The input width.</param>
    /// <param name="o">The output width.</param>
    /// <param name="linear">The <c>o x 4d</c> weight of the layer's <c>linear</c>, row-major (out x in).</param>
    /// <param name="linearBias">Its bias.</param>
    /// <param name="maps">The self, row, column and global weights, each <c>d x d</c> row-major.</param>
    /// <param name="mapBiases">Their biases.</param>
    public static HyperLayer Fold(int d, int o, float[] linear, float[] linearBias, float[][] maps, float[][] mapBiases)
    {
        var folded = new float[4][];
        var bias = new double[o];
        for (int i = 0; i < o; i++)
        {
            bias[i] = linearBias[i];
        }

        for (int part = 0; part < 4; part++)
        {
            folded[part] = new float[d * o];
            for (int i = 0; i < o; i++)
            {
                for (int k = 0; k < d; k++)
                {
                    // (W_part M)[i, k] = sum_a W[i, part * d + a] M[a, k]
                    double sum = 0;
                    for (int a = 0; a < d; a++)
                    {
                        sum += (double)linear[(i * 4 * d) + (part * d) + a] * maps[part][(a * d) + k];
                    }

                    folded[part][(k * o) + i] = (float)sum;
                }

                for (int a = 0; a < d; a++)
                {
                    bias[i] += (double)linear[(i * 4 * d) + (part * d) + a] * mapBiases[part][a];
                }
            }
        }

        return new HyperLayer(d, o, folded[0], folded[1], folded[2], folded[3], [.. bias.Select(b => (float)b)]);
    }

    /// <summary>Computes <c>A v</c> for a matrix stored input by input, adding it to <paramref name="destination"/>.</summary>
    public void AddProduct(float[] matrix, ReadOnlySpan<double> input, Span<double> destination)
    {
        for (int k = 0; k < InputWidth; k++)
        {
            for (int i = 0; i < OutputWidth; i++)
            {
                destination[i] += matrix[(k * OutputWidth) + i] * input[k];
            }
        }
    }
}
