using System.Numerics.Tensors;

namespace Alchemist;

/// <summary>The objective of multinomial logistic regression with soft, weighted targets and an L2 penalty.</summary>
/// <remarks>
/// <para>
/// Parameters are a <c>F x K</c> weight matrix, feature-major (the <c>K</c> weights of a feature are contiguous), then
/// <c>K</c> intercepts. With <c>a[i,k]</c> the item weight times the class weight times the target probability and
/// <c>A[i]</c> their sum, the objective is <c>sum_i (A[i] * logsumexp(s[i]) - sum_k a[i,k] * s[i,k]) + L2 / 2 * ||W||^2</c>,
/// where <c>s[i] = x[i] W + b</c>: the weighted cross-entropy, exact for one-hot and soft targets alike.
/// </para>
/// <para>
/// Rows are split into blocks whose boundaries depend only on the number of rows; each block has its own gradient
/// buffer and the buffers are summed in block order, so the result is bit-for-bit the same for any number of threads.
/// </para>
/// </remarks>
internal sealed class SoftmaxObjective : IDifferentiableObjective
{
    private const int RowsPerBlock = 2048;
    private const int MaxBlocks = 8;

    private readonly SparseRows _rows;
    private readonly int _features;
    private readonly int _classes;
    private readonly double[] _scaledTargets;
    private readonly double[] _rowMass;
    private readonly double _l2;
    private readonly double[][] _blockGradients;
    private readonly double[] _blockLosses;
    private readonly ParallelOptions _parallelOptions;

    public SoftmaxObjective(SparseRows rows, int features, int classes, double[] scaledTargets, double l2, int? maxDegreeOfParallelism)
    {
        _rows = rows;
        _features = features;
        _classes = classes;
        _scaledTargets = scaledTargets;
        _l2 = l2;
        _rowMass = new double[rows.RowCount];
        for (int i = 0; i < _rowMass.Length; i++)
        {
            _rowMass[i] = TensorPrimitives.Sum<double>(scaledTargets.AsSpan(i * classes, classes));
        }

        int blocks = Math.Clamp((rows.RowCount + RowsPerBlock - 1) / RowsPerBlock, 1, MaxBlocks);
        _blockGradients = new double[blocks][];
        for (int b = 0; b < blocks; b++)
        {
            _blockGradients[b] = new double[Dimension];
        }

        _blockLosses = new double[blocks];
        _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 };
    }

    public int Dimension => (_features + 1) * _classes;

    public double Evaluate(double[] point, double[] gradient)
    {
        int blocks = _blockGradients.Length;
        int rowsPerBlock = (_rows.RowCount + blocks - 1) / blocks;
        if (blocks == 1)
        {
            EvaluateBlock(0, point, 0, _rows.RowCount);
        }
        else
        {
            Parallel.For(0, blocks, _parallelOptions, b => EvaluateBlock(b, point, b * rowsPerBlock, Math.Min(_rows.RowCount, (b + 1) * rowsPerBlock)));
        }

        _blockGradients[0].AsSpan().CopyTo(gradient);
        double loss = _blockLosses[0];
        for (int b = 1; b < blocks; b++)
        {
            TensorPrimitives.Add<double>(gradient, _blockGradients[b], gradient);
            loss += _blockLosses[b];
        }

        int weightCount = _features * _classes;
        ReadOnlySpan<double> weights = point.AsSpan(0, weightCount);
        Span<double> weightGradient = gradient.AsSpan(0, weightCount);
        TensorPrimitives.MultiplyAdd<double>(weights, _l2, weightGradient, weightGradient);
        return loss + (0.5 * _l2 * TensorPrimitives.Dot<double>(weights, weights));
    }

    /// <summary>Computes the scores <c>x W + b</c> of one row.</summary>
    public static void Score(SparseRows rows, int row, ReadOnlySpan<double> weights, ReadOnlySpan<double> intercepts, Span<double> scores)
    {
        int k = scores.Length;
        intercepts.CopyTo(scores);
        int[] indices = rows.Indices;
        float[] values = rows.Values;
        for (int e = rows.RowStarts[row]; e < rows.RowStarts[row + 1]; e++)
        {
            double value = values[e];
            ReadOnlySpan<double> w = weights.Slice(indices[e] * k, k);
            for (int c = 0; c < k; c++)
            {
                scores[c] += value * w[c];
            }
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

    private void EvaluateBlock(int block, double[] point, int start, int end)
    {
        int k = _classes;
        int weightCount = _features * k;
        double[] gradient = _blockGradients[block];
        Array.Clear(gradient);
        ReadOnlySpan<double> weights = point.AsSpan(0, weightCount);
        ReadOnlySpan<double> intercepts = point.AsSpan(weightCount, k);
        Span<double> interceptGradient = gradient.AsSpan(weightCount, k);
        Span<double> scores = stackalloc double[k];
        Span<double> residual = stackalloc double[k];
        int[] indices = _rows.Indices;
        float[] values = _rows.Values;
        double loss = 0;
        for (int i = start; i < end; i++)
        {
            double mass = _rowMass[i];
            if (mass <= 0)
            {
                continue;
            }

            ReadOnlySpan<double> targets = _scaledTargets.AsSpan(i * k, k);
            Score(_rows, i, weights, intercepts, scores);
            double dot = TensorPrimitives.Dot<double>(targets, scores);
            double logNormalizer = Softmax(scores);
            loss += (mass * logNormalizer) - dot;
            for (int c = 0; c < k; c++)
            {
                residual[c] = (mass * scores[c]) - targets[c];
                interceptGradient[c] += residual[c];
            }

            for (int e = _rows.RowStarts[i]; e < _rows.RowStarts[i + 1]; e++)
            {
                double value = values[e];
                Span<double> g = gradient.AsSpan(indices[e] * k, k);
                for (int c = 0; c < k; c++)
                {
                    g[c] += value * residual[c];
                }
            }
        }

        _blockLosses[block] = loss;
    }
}
