namespace Alchemist;

/// <summary>
/// Tunes, for a binary task, the log-odds shift of class 1 that maximizes a dev metric: a change of the class prior,
/// which moves the decision threshold. F1 of a rare class is maximized well below a posterior of 0.5.
/// </summary>
internal static class DecisionShift
{
    /// <summary>The largest shift considered, in nats (a factor of about 3000 in the odds).</summary>
    public const double MaxShift = 8;

    /// <summary>Finds the shift that maximizes the metric on labeled distributions; 0 when none beats no shift or there are no items.</summary>
    public static double Tune(ClassProbabilities probabilities, IReadOnlyList<int> gold, LabelModelMetric metric)
    {
        int n = probabilities.ItemCount;
        if (n == 0)
        {
            // A cross-validation fold of a one-item dev split leaves nothing to tune on.
            return 0;
        }

        var logOdds = new double[n];
        for (int i = 0; i < n; i++)
        {
            logOdds[i] = LogOdds(probabilities.GetRow(i));
        }

        double[] distinct = [.. logOdds.Distinct().Order()];
        double bestShift = 0;
        double best = Score(logOdds, gold, 0, metric);
        for (int t = -1; t < distinct.Length; t++)
        {
            // Thresholds between neighbouring values, and beyond both ends, so no item sits on the threshold.
            double threshold = t < 0 ? distinct[0] - 1 : t == distinct.Length - 1 ? distinct[t] + 1 : (distinct[t] + distinct[t + 1]) / 2;
            double shift = -threshold;
            if (Math.Abs(shift) > MaxShift)
            {
                continue;
            }

            double score = Score(logOdds, gold, shift, metric);
            if (score > best + 1e-12 || (Math.Abs(score - best) <= 1e-12 && Math.Abs(shift) < Math.Abs(bestShift)))
            {
                best = score;
                bestShift = shift;
            }
        }

        return bestShift;
    }

    /// <summary>Adds the shift to class 1's log-odds of a binary distribution, in place.</summary>
    public static void Apply(Span<double> distribution, double shift)
    {
        if (shift == 0)
        {
            return;
        }

        double odds = Math.Exp(Math.Clamp(LogOdds(distribution) + shift, -700, 700));
        distribution[1] = odds / (1 + odds);
        distribution[0] = 1 - distribution[1];
    }

    private static double LogOdds(ReadOnlySpan<double> row) =>
        Math.Log(Math.Max(row[1], 1e-300)) - Math.Log(Math.Max(row[0], 1e-300));

    private static double Score(double[] logOdds, IReadOnlyList<int> gold, double shift, LabelModelMetric metric)
    {
        double correct = 0, truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (int i = 0; i < logOdds.Length; i++)
        {
            double z = logOdds[i] + shift;

            // Within the tie tolerance of ClassProbabilities, a coin decides; count it as half.
            double positive = Math.Abs(z) < 2 * ClassProbabilities.TieTolerance ? 0.5 : z > 0 ? 1 : 0;
            bool isPositive = gold[i] == 1;
            correct += isPositive ? positive : 1 - positive;
            truePositives += isPositive ? positive : 0;
            falsePositives += isPositive ? 0 : positive;
            falseNegatives += isPositive ? 1 - positive : 0;
        }

        return metric == LabelModelMetric.F1
            ? (truePositives <= 0 ? 0 : 2 * truePositives / ((2 * truePositives) + falsePositives + falseNegatives))
            : correct / Math.Max(1, logOdds.Length);
    }
}
