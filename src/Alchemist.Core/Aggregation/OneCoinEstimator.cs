namespace Alchemist;

/// <summary>
/// Estimates per-function accuracies under the one-coin model (each function votes the true class with probability
/// <c>a_j</c> when it votes, otherwise one of the other <c>K - 1</c> classes uniformly) from pairwise agreement rates alone.
/// </summary>
/// <remarks>
/// Under conditional independence, two functions that both vote agree with probability
/// <c>a_j a_k + (1 - a_j)(1 - a_k) / (K - 1)</c>, which is <c>(1 + (K - 1) s_j s_k) / K</c> for the centered accuracy
/// <c>s = (K a - 1) / (K - 1)</c>, whatever the class balance. So <c>M_jk = (K r_jk - 1) / (K - 1) = s_j s_k</c> for the
/// observed agreement rate <c>r_jk</c>, and any triplet gives <c>s_j^2 = M_jk M_jl / M_kl</c>: FlyingSquid's closed
/// form (Fu et al. 2020), which for <c>K = 2</c> is exactly its binary method, extended here to any <c>K</c>.
/// </remarks>
internal static class OneCoinEstimator
{
    /// <summary>The L-BFGS stop: the largest gradient component below this times the initial one (at least 1).</summary>
    private const double GradientTolerance = 1e-10;

    /// <summary>The fewest items two functions must both vote on for their agreement rate to be used.</summary>
    public const int MinOverlap = 5;

    /// <summary>The bounds of an estimated accuracy, so that no weight is infinite.</summary>
    public const double MaxAccuracy = 0.99;

    /// <summary>Estimates each function's accuracy by the triplet method; <see cref="double.NaN"/> where no triplet applies.</summary>
    public static double[] Triplets(LabelStatistics statistics, CancellationToken cancellationToken)
    {
        int m = statistics.FunctionCount;
        int k = statistics.ClassCount;
        long[] overlaps = statistics.Overlaps!;
        long[] agreements = statistics.Agreements!;
        var moments = new double[m * m];
        var usable = new bool[m * m];
        for (int j = 0; j < m; j++)
        {
            for (int l = 0; l < m; l++)
            {
                long overlap = overlaps[(j * m) + l];
                if (j != l && overlap >= MinOverlap)
                {
                    double rate = (double)agreements[(j * m) + l] / overlap;
                    moments[(j * m) + l] = ((k * rate) - 1) / (k - 1);
                    usable[(j * m) + l] = true;
                }
            }
        }

        var accuracies = new double[m];
        for (int j = 0; j < m; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double sum = 0, weights = 0;
            for (int a = 0; a < m; a++)
            {
                if (!usable[(j * m) + a])
                {
                    continue;
                }

                for (int b = a + 1; b < m; b++)
                {
                    if (!usable[(j * m) + b] || !usable[(a * m) + b])
                    {
                        continue;
                    }

                    double denominator = moments[(a * m) + b];
                    if (Math.Abs(denominator) < 1e-3)
                    {
                        continue;
                    }

                    double squared = moments[(j * m) + a] * moments[(j * m) + b] / denominator;

                    // Weight each triplet by its smallest overlap: rates from few items are noisy.
                    double weight = Math.Min(overlaps[(j * m) + a], Math.Min(overlaps[(j * m) + b], overlaps[(a * m) + b]));
                    sum += weight * Math.Clamp(squared, 0, 1);
                    weights += weight;
                }
            }

            accuracies[j] = weights > 0 ? FromCentered(Math.Sqrt(sum / weights), k) : double.NaN;
        }

        return accuracies;
    }

    /// <summary>Fits accuracies to every usable agreement rate by weighted least squares (L-BFGS over logits).</summary>
    public static (double[] Accuracies, LbfgsMinimizerResult Result) LeastSquares(LabelStatistics statistics, double initialAccuracy, int maxIterations, CancellationToken cancellationToken)
    {
        int m = statistics.FunctionCount;
        int k = statistics.ClassCount;
        long[] overlaps = statistics.Overlaps!;
        long[] agreements = statistics.Agreements!;
        double total = 0;
        for (int j = 0; j < m; j++)
        {
            for (int l = j + 1; l < m; l++)
            {
                total += overlaps[(j * m) + l];
            }
        }

        total = Math.Max(total, 1);
        double Objective(ReadOnlySpan<double> x, Span<double> gradient)
        {
            gradient.Clear();
            double loss = 0;
            for (int j = 0; j < m; j++)
            {
                double aj = Sigmoid(x[j]);
                for (int l = j + 1; l < m; l++)
                {
                    long overlap = overlaps[(j * m) + l];
                    if (overlap == 0)
                    {
                        continue;
                    }

                    double al = Sigmoid(x[l]);
                    double rate = (double)agreements[(j * m) + l] / overlap;
                    double predicted = (aj * al) + ((1 - aj) * (1 - al) / (k - 1));
                    double residual = predicted - rate;
                    double w = overlap / total;
                    loss += w * residual * residual;
                    double dj = (al - ((1 - al) / (k - 1))) * aj * (1 - aj);
                    double dl = (aj - ((1 - aj) / (k - 1))) * al * (1 - al);
                    gradient[j] += 2 * w * residual * dj;
                    gradient[l] += 2 * w * residual * dl;
                }
            }

            // A weak pull toward the start keeps functions that overlap no other one where they began.
            for (int j = 0; j < m; j++)
            {
                double pull = x[j] - Logit(initialAccuracy);
                loss += 1e-6 * pull * pull;
                gradient[j] += 2e-6 * pull;
            }

            return loss;
        }

        double[] start = [.. Enumerable.Repeat(Logit(initialAccuracy), m)];
        LbfgsMinimizerResult result = LbfgsMinimizer.Minimize(Objective, start, maxIterations, GradientTolerance, cancellationToken);
        return ([.. start.Select(v => Math.Clamp(Sigmoid(v), 1e-3, MaxAccuracy))], result);
    }

    /// <summary>Converts a centered accuracy <c>s</c> to the accuracy <c>(1 + (K - 1) s) / K</c>, within the bounds.</summary>
    public static double FromCentered(double centered, int classCount) =>
        Math.Clamp((1 + ((classCount - 1) * centered)) / classCount, 1e-3, MaxAccuracy);

    /// <summary>Gets the log-odds weight of a one-coin vote: <c>log(a (K - 1) / (1 - a))</c>.</summary>
    public static double Weight(double accuracy, int classCount)
    {
        double a = Math.Clamp(accuracy, 1e-3, 1 - 1e-3);
        return Math.Log(a * (classCount - 1) / (1 - a));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
