namespace Alchemist;

/// <summary>Scores class distributions against gold labels as the WRENCH protocol would on average: ties are broken uniformly at random, in expectation.</summary>
internal static class DevScoring
{
    /// <summary>Computes the expected accuracy, or the plug-in F1 of class 1 from the expected true and false positives.</summary>
    public static double Score(ClassProbabilities probabilities, IReadOnlyList<int> gold, LabelModelMetric metric) => Score(probabilities, gold, metric, weights: null);

    /// <summary>Computes the score as <see cref="Score(ClassProbabilities, IReadOnlyList{int}, LabelModelMetric)"/> does, each item counting with its weight (all 1 when <paramref name="weights"/> is <see langword="null"/>).</summary>
    public static double Score(ClassProbabilities probabilities, IReadOnlyList<int> gold, LabelModelMetric metric, IReadOnlyList<double>? weights)
    {
        int k = probabilities.ClassCount;
        double correct = 0, truePositives = 0, falsePositives = 0, falseNegatives = 0, total = 0;
        Span<bool> tied = stackalloc bool[k];
        for (int i = 0; i < probabilities.ItemCount; i++)
        {
            ReadOnlySpan<double> row = probabilities.GetRow(i);
            double max = double.NegativeInfinity;
            foreach (double p in row)
            {
                max = Math.Max(max, p);
            }

            int count = 0;
            for (int c = 0; c < k; c++)
            {
                tied[c] = max - row[c] < ClassProbabilities.TieTolerance;
                count += tied[c] ? 1 : 0;
            }

            double weight = weights?[i] ?? 1;
            total += weight;
            double share = weight / count;
            int y = gold[i];
            correct += tied[y] ? share : 0;
            double saidPositive = k > 1 && tied[1] ? share : 0;
            if (y == 1)
            {
                truePositives += saidPositive;
                falseNegatives += weight - saidPositive;
            }
            else
            {
                falsePositives += saidPositive;
            }
        }

        if (metric == LabelModelMetric.F1)
        {
            return truePositives <= 0 ? 0 : 2 * truePositives / ((2 * truePositives) + falsePositives + falseNegatives);
        }

        return total <= 0 ? 0 : correct / total;
    }

    /// <summary>Computes majority vote's distributions of a matrix: the vote shares, uniform without votes.</summary>
    public static ClassProbabilities MajorityVote(LabelMatrix matrix)
    {
        int k = matrix.ClassCount;
        var values = new double[(long)matrix.ItemCount * k];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            MajorityVoteLabelModel.VoteShares(matrix.GetRow(i), values.AsSpan(i * k, k));
        }

        return new ClassProbabilities(matrix.ItemCount, k, values);
    }
}
