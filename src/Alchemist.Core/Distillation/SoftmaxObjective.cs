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
/// Features are the sparse hashed columns (<c>0..H-1</c>) and, optionally, dense embedding columns after them. Rows are
/// split into gradient blocks made of whole <see cref="SparseRows"/> blocks; the partition depends only on the number of
/// rows. Each gradient block has its own gradient buffer and the buffers are summed in block order, so the result is
/// bit-for-bit the same for any number of threads. One evaluation reads every row once (scores, then the gradient
/// update of the same row while it is in cache) and allocates nothing.
/// </para>
/// </remarks>
internal sealed class SoftmaxObjective : IDifferentiableObjective
{
    private const int RowsPerGradientBlock = 2048;
    private const int MaxGradientBlocks = 8;

    private readonly SparseRows? _rows;
    private readonly float[]? _dense;
    private readonly int _denseDimension;
    private readonly int _hashedColumns;
    private readonly int _rowCount;
    private readonly int _classes;
    private readonly double[] _scaledTargets;
    private readonly double[] _rowMass;
    private readonly double _l2;
    private readonly int _storageBlocksPerGradientBlock;
    private readonly double[][] _blockGradients;
    private readonly double[] _blockLosses;
    private readonly ParallelOptions _parallelOptions;

    /// <summary>Initializes a new instance of the <see cref="SoftmaxObjective"/> class.</summary>
    /// <param name="rows">The sparse hashed part of the rows, columns below <paramref name="hashedColumns"/>; <see langword="null"/> when there is none.</param>
    /// <param name="hashedColumns">The number of hashed columns.</param>
    /// <param name="dense">The dense part of the rows, row-major, or <see langword="null"/>.</param>
    /// <param name="denseDimension">The number of dense columns, which follow the hashed ones.</param>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="scaledTargets">The scaled targets <c>a[i,k]</c>, row-major.</param>
    /// <param name="l2">The L2 penalty.</param>
    /// <param name="maxDegreeOfParallelism">The thread cap, or <see langword="null"/>.</param>
    public SoftmaxObjective(SparseRows? rows, int hashedColumns, float[]? dense, int denseDimension, int rowCount, int classes, double[] scaledTargets, double l2, int? maxDegreeOfParallelism)
    {
        if (rows is not null && (rows.RowCount != rowCount || !IndicesBelow(rows, hashedColumns)))
        {
            throw new ArgumentException("The sparse rows do not match the row count or hold a column index out of range.", nameof(rows));
        }

        if ((long)rowCount * denseDimension != (dense?.LongLength ?? 0) || scaledTargets.LongLength != (long)rowCount * classes)
        {
            throw new ArgumentException("The dense features or the targets do not match the row count.", nameof(dense));
        }

        _rows = rows;
        _dense = dense;
        _denseDimension = denseDimension;
        _hashedColumns = hashedColumns;
        _rowCount = rowCount;
        _classes = classes;
        _scaledTargets = scaledTargets;
        _l2 = l2;
        _rowMass = new double[rowCount];
        for (int i = 0; i < _rowMass.Length; i++)
        {
            _rowMass[i] = TensorPrimitives.Sum<double>(scaledTargets.AsSpan(i * classes, classes));
        }

        // Gradient blocks are runs of storage blocks; how many depends on the number of rows only.
        int storageBlocks = Math.Max(1, SparseRows.BlockCount(rowCount));
        int wanted = Math.Clamp((rowCount + RowsPerGradientBlock - 1) / RowsPerGradientBlock, 1, MaxGradientBlocks);
        _storageBlocksPerGradientBlock = (storageBlocks + wanted - 1) / wanted;
        int blocks = (storageBlocks + _storageBlocksPerGradientBlock - 1) / _storageBlocksPerGradientBlock;
        _blockGradients = new double[blocks][];
        for (int b = 0; b < blocks; b++)
        {
            _blockGradients[b] = new double[Dimension];
        }

        _blockLosses = new double[blocks];
        _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? -1 };
    }

    public int Dimension => (_hashedColumns + _denseDimension + 1) * _classes;

    public double Evaluate(double[] point, double[] gradient)
    {
        int blocks = _blockGradients.Length;
        if (blocks == 1)
        {
            EvaluateBlock(0, point);
        }
        else
        {
            Parallel.For(0, blocks, _parallelOptions, b => EvaluateBlock(b, point));
        }

        _blockGradients[0].AsSpan().CopyTo(gradient);
        double loss = _blockLosses[0];
        for (int b = 1; b < blocks; b++)
        {
            TensorPrimitives.Add<double>(gradient, _blockGradients[b], gradient);
            loss += _blockLosses[b];
        }

        int weightCount = Dimension - _classes;
        ReadOnlySpan<double> weights = point.AsSpan(0, weightCount);
        Span<double> weightGradient = gradient.AsSpan(0, weightCount);
        TensorPrimitives.MultiplyAdd<double>(weights, _l2, weightGradient, weightGradient);
        return loss + (0.5 * _l2 * TensorPrimitives.Dot<double>(weights, weights));
    }

    private static bool IndicesBelow(SparseRows rows, int bound)
    {
        foreach (SparseRowBlock block in rows.Blocks)
        {
            ReadOnlySpan<int> indices = block.Indices.AsSpan(0, block.EntryCount);
            if (!indices.IsEmpty && (TensorPrimitives.Min<int>(indices) < 0 || TensorPrimitives.Max<int>(indices) >= bound))
            {
                return false;
            }
        }

        return true;
    }

    private void EvaluateBlock(int block, double[] point)
    {
        int k = _classes;
        int weightCount = Dimension - k;
        double[] gradient = _blockGradients[block];
        Array.Clear(gradient);
        ReadOnlySpan<double> weights = point.AsSpan(0, weightCount);
        ReadOnlySpan<double> intercepts = point.AsSpan(weightCount, k);
        Span<double> weightGradient = gradient.AsSpan(0, weightCount);
        Span<double> interceptGradient = gradient.AsSpan(weightCount, k);
        Span<double> scores = stackalloc double[k];
        Span<double> residual = stackalloc double[k];
        int d = _denseDimension;
        double loss = 0;
        int firstRow = block * _storageBlocksPerGradientBlock * SparseRows.RowsPerBlock;
        int endRow = Math.Min(_rowCount, firstRow + (_storageBlocksPerGradientBlock * SparseRows.RowsPerBlock));
        for (int i = firstRow; i < endRow; i++)
        {
            double mass = _rowMass[i];
            if (mass <= 0)
            {
                continue;
            }

            ReadOnlySpan<int> indices = default;
            ReadOnlySpan<float> values = default;
            if (_rows is not null)
            {
                SparseRowBlock storage = _rows.Blocks[i / SparseRows.RowsPerBlock];
                int local = i % SparseRows.RowsPerBlock;
                int start = storage.RowStarts[local];
                int length = storage.RowStarts[local + 1] - start;
                indices = storage.Indices.AsSpan(start, length);
                values = storage.Values.AsSpan(start, length);
            }

            ReadOnlySpan<float> dense = d > 0 ? _dense.AsSpan(i * d, d) : default;
            ReadOnlySpan<double> targets = _scaledTargets.AsSpan(i * k, k);
            LinearScores.Score(indices, values, dense, _hashedColumns, weights, intercepts, scores);
            double dot = TensorPrimitives.Dot<double>(targets, scores);
            double logNormalizer = LinearScores.Softmax(scores);
            loss += (mass * logNormalizer) - dot;
            for (int c = 0; c < k; c++)
            {
                residual[c] = (mass * scores[c]) - targets[c];
                interceptGradient[c] += residual[c];
            }

            LinearScores.AddGradient(indices, values, dense, _hashedColumns, residual, weightGradient);
        }

        _blockLosses[block] = loss;
    }
}
