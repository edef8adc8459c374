using System.Buffers;

namespace Alchemist;

/// <summary>
/// The pretrained hyper label model (LELA): a small graph neural network, trained once on synthetic label matrices, that
/// infers the labels of a whole matrix in one forward pass, with no per-task optimization (R. Wu, S.-E. Chen, J. Zhang,
/// X. Chu, "Learning Hyper Label Model for Programmatic Weak Supervision", ICLR 2023).
/// </summary>
/// <remarks>
/// <para>
/// The network reads the non-abstain votes as a sparse matrix of <c>+1</c> and <c>-1</c>: for a binary task <c>+1</c>
/// is a vote for class 1; for <c>K</c> classes it runs once per class <c>c</c> (<c>+1</c> for a vote for <c>c</c>,
/// <c>-1</c> for any other vote) and divides the <c>K</c> outputs by their sum. Four graph layers mix each vote with
/// the means of its row, its column and the whole matrix; an item's class-1 probability is a classifier over the mean
/// of its votes' embeddings. An item without votes gets the classifier's output for an empty row (for a binary task
/// 0.507 for class 1 before calibration, as in the reference; uniform for more classes). As the reference does when it
/// returns probabilities, they are then calibrated: over the fitted matrix, values above <c>1/K</c> are stretched
/// linearly so the largest becomes <c>2/K</c>, values below so the smallest becomes 0, and each row is renormalized.
/// Calibration never changes which class is most probable.
/// </para>
/// <para>
/// The reference model is transductive: every prediction depends on the whole matrix through the column and matrix
/// means. <see cref="LabelModel.Fit(LabelMatrix, LabelModelFitOptions?, CancellationToken)"/> computes those means
/// (one pass over the votes per layer and per class pass) and the calibration range on the matrix it is given; each
/// row is then predicted from its own votes and the fitted means. On the fitted matrix the probabilities are the
/// reference implementation's (checked to 1e-4); on other rows, such as a test split, the fitted matrix's columns stand
/// in for theirs. Fit on the matrix you will label. The model learns nothing from the dev labels or the class balance:
/// it needs no dev split. It cannot be fitted from <see cref="LabelStatistics"/>.
/// </para>
/// <para>
/// The weights are the reference checkpoint (github.com/wurenzhi/hyper_label_model, MIT licence), embedded in this
/// assembly; the licence and attribution ship with the package (THIRD-PARTY-NOTICES.md).
/// </para>
/// </remarks>
public sealed class HyperLabelModel : LabelModel
{
    /// <summary>The name of this model in the catalog: <c>"hyper"</c>.</summary>
    public const string ModelName = "hyper";

    /// <summary>The widest row predicted with stack buffers; wider rows rent their buffers.</summary>
    private const int StackFunctionLimit = 128;

    private HyperPass[] _passes = [];
    private double _high;
    private double _low;

    /// <inheritdoc />
    public override string Name => ModelName;

    /// <inheritdoc />
    /// <remarks>Reads the matrix once per graph layer and class pass, then predicts it once to set the calibration range.</remarks>
    protected override LabelModelFitReport FitCore(LabelMatrix matrix, LabelModelFitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(options);
        int k = matrix.ClassCount;
        HyperNetwork network = HyperNetwork.Pretrained;
        _passes = k == 2
            ? [HyperPass.Fit(network, matrix, 1, cancellationToken)]
            : [.. Enumerable.Range(0, k).Select(c => HyperPass.Fit(network, matrix, (sbyte)c, cancellationToken))];

        // The calibration range and the mean distribution come from the uncalibrated probabilities of the fitted matrix.
        (double[] raw, double high, double low) = PredictUncalibrated(matrix, cancellationToken);
        _high = high;
        _low = low;
        var balance = new double[k];
        var row = new double[k];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            raw.AsSpan(i * k, k).CopyTo(row);
            Calibrate(row, _high, _low);
            for (int c = 0; c < k; c++)
            {
                balance[c] += row[c] / matrix.ItemCount;
            }
        }

        return new LabelModelFitReport { ModelName = ModelName, ClassBalance = ClassBalances.Resolve(options, k) ?? balance };
    }

    /// <inheritdoc />
    protected override void PredictRowCore(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        PredictUncalibratedRow(votes, destination);
        Calibrate(destination, _high, _low);
    }

    /// <summary>Computes the uncalibrated probabilities of every item (the reference's <c>predict_prob</c> on the fitted matrix) and their calibration range.</summary>
    internal (double[] Values, double High, double Low) PredictUncalibrated(LabelMatrix matrix, CancellationToken cancellationToken = default)
    {
        int k = matrix.ClassCount;
        var values = new double[(long)matrix.ItemCount * k];
        const int Block = 4096;
        int blocks = (matrix.ItemCount + Block - 1) / Block;
        var highs = new double[blocks];
        var lows = new double[blocks];
        double tie = 1.0 / k;
        void Run(int block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double high = double.NaN, low = double.NaN;
            int end = Math.Min(matrix.ItemCount, (block + 1) * Block);
            for (int i = block * Block; i < end; i++)
            {
                Span<double> row = values.AsSpan(i * k, k);
                PredictUncalibratedRow(matrix.GetRow(i), row);
                foreach (double p in row)
                {
                    high = p > tie && !(p <= high) ? p : high;
                    low = p < tie && !(p >= low) ? p : low;
                }
            }

            highs[block] = high;
            lows[block] = low;
        }

        if (blocks > 1)
        {
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, Run);
        }
        else if (blocks == 1)
        {
            Run(0);
        }

        double max = double.NaN, min = double.NaN;
        for (int b = 0; b < blocks; b++)
        {
            max = !(highs[b] <= max) && !double.IsNaN(highs[b]) ? highs[b] : max;
            min = !(lows[b] >= min) && !double.IsNaN(lows[b]) ? lows[b] : min;
        }

        return (values, max, min);
    }

    /// <summary>
    /// Applies the reference's <c>calibrate_probs</c> to one row, with the range of the fitted matrix: values above the
    /// tie <c>1/K</c> are mapped linearly from <c>(tie, high]</c> to <c>(tie, 2 tie]</c>, values below from
    /// <c>[low, tie)</c> to <c>[0, tie)</c>, then clipped to [0, 1] and renormalized. NaN bounds (no value on that side
    /// of the tie) leave that side alone.
    /// </summary>
    internal static void Calibrate(Span<double> row, double high, double low)
    {
        double tie = 1.0 / row.Length;
        double sum = 0;
        for (int c = 0; c < row.Length; c++)
        {
            double p = row[c];
            if (p > tie && !double.IsNaN(high))
            {
                p = ((p - tie) * tie / (high - tie)) + tie;
            }
            else if (p < tie && !double.IsNaN(low))
            {
                p = ((p - tie) * tie / (tie - low)) + tie;
            }

            p = Math.Clamp(p, 0, 1);
            row[c] = p;
            sum += p;
        }

        for (int c = 0; c < row.Length; c++)
        {
            row[c] /= sum;
        }
    }

    private void PredictUncalibratedRow(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        int m = votes.Length;
        int length = HyperPass.ScratchLength(m);
        float[]? rented = null;
        Span<float> scratch = m <= StackFunctionLimit ? stackalloc float[HyperPass.ScratchLength(StackFunctionLimit)] : (rented = ArrayPool<float>.Shared.Rent(length));
        try
        {
            if (_passes.Length == 1)
            {
                double p = _passes[0].Predict(votes, scratch);
                destination[1] = p;
                destination[0] = 1 - p;
                return;
            }

            double sum = 0;
            for (int c = 0; c < _passes.Length; c++)
            {
                double p = _passes[c].Predict(votes, scratch);
                destination[c] = p;
                sum += p;
            }

            for (int c = 0; c < _passes.Length; c++)
            {
                destination[c] /= sum;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
