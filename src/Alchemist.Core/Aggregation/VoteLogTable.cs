using System.Numerics.Tensors;

namespace Alchemist;

/// <summary>
/// The prediction rule every fitted probabilistic model here reduces to: a class log-prior plus, for each function, a
/// log-weight per (vote, class), with abstain as vote <c>-1</c>; the distribution is the softmax of the sums.
/// </summary>
/// <remarks>
/// <c>score[y] = Bias[y] + sum_j Table[((j * (K + 1)) + vote_j + 1) * K + y]</c>. Dawid-Skene fills it with log
/// confusion probabilities, the matrix-completion model with log conditional vote probabilities, and the one-coin
/// models (weighted majority, FlyingSquid) with a log-odds weight on the voted class. The softmax subtracts the
/// maximum first, so no input overflows, and every table entry is finite, so no output is NaN.
/// </remarks>
internal sealed class VoteLogTable
{
    public VoteLogTable(int functionCount, int classCount)
    {
        FunctionCount = functionCount;
        ClassCount = classCount;
        Table = new double[functionCount * (classCount + 1) * classCount];
        Bias = new double[classCount];
    }

    public int FunctionCount { get; }

    public int ClassCount { get; }

    public double[] Table { get; }

    public double[] Bias { get; }

    /// <summary>Gets the offset of the <c>K</c> weights of function <paramref name="function"/> voting <paramref name="vote"/>.</summary>
    public int Offset(int function, int vote) => ((function * (ClassCount + 1)) + vote + 1) * ClassCount;

    /// <summary>Creates the table of a one-coin model: each function's vote adds <c>weights[j]</c> to the voted class.</summary>
    public static VoteLogTable OneCoin(IReadOnlyList<double> weights, IReadOnlyList<double> classBalance)
    {
        int k = classBalance.Count;
        var table = new VoteLogTable(weights.Count, k);
        for (int j = 0; j < weights.Count; j++)
        {
            for (int c = 0; c < k; c++)
            {
                table.Table[table.Offset(j, c) + c] = weights[j];
            }
        }

        for (int c = 0; c < k; c++)
        {
            table.Bias[c] = Math.Log(classBalance[c]);
        }

        return table;
    }

    /// <summary>Computes the log-scores of one row, before the softmax.</summary>
    public void Score(ReadOnlySpan<sbyte> votes, Span<double> scores)
    {
        int k = ClassCount;
        Bias.CopyTo(scores);
        ReadOnlySpan<double> table = Table;
        int stride = (k + 1) * k;
        if (k == 2)
        {
            double s0 = scores[0], s1 = scores[1];
            for (int j = 0, at = 0; j < votes.Length; j++, at += stride)
            {
                int o = at + ((votes[j] + 1) * 2);
                s0 += table[o];
                s1 += table[o + 1];
            }

            scores[0] = s0;
            scores[1] = s1;
            return;
        }

        for (int j = 0, at = 0; j < votes.Length; j++, at += stride)
        {
            ReadOnlySpan<double> weights = table.Slice(at + ((votes[j] + 1) * k), k);
            if (k >= 8)
            {
                TensorPrimitives.Add(scores, weights, scores);
            }
            else
            {
                for (int c = 0; c < k; c++)
                {
                    scores[c] += weights[c];
                }
            }
        }
    }

    /// <summary>Computes the distribution of one row.</summary>
    public void Predict(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        Score(votes, destination);
        Softmax(destination);
    }

    /// <summary>Turns log-scores into probabilities in place and returns the log of the normalizer.</summary>
    public static double Softmax(Span<double> scores)
    {
        double max = double.NegativeInfinity;
        foreach (double s in scores)
        {
            max = Math.Max(max, s);
        }

        double sum = 0;
        for (int c = 0; c < scores.Length; c++)
        {
            scores[c] = Math.Exp(scores[c] - max);
            sum += scores[c];
        }

        double scale = 1 / sum;
        for (int c = 0; c < scores.Length; c++)
        {
            scores[c] *= scale;
        }

        return max + Math.Log(sum);
    }
}
