namespace Alchemist;

/// <summary>
/// Fits the matrix-completion model of Ratner et al. (2019), as in Snorkel's <c>LabelModel</c>: conditional vote
/// probabilities <c>mu[(j, a), y] = P(lambda_j = a | Y = y)</c> such that <c>mu P mu^T</c> matches the observed
/// second moments of the votes off the diagonal blocks, and <c>mu pi</c> matches each vote's frequency.
/// </summary>
/// <remarks>
/// Snorkel minimizes the same loss by SGD for a fixed number of epochs, which stops it near its start; here L-BFGS
/// runs it to convergence, with Snorkel's L2 pull toward the start made explicit, so the result depends on neither a
/// learning rate, an epoch count nor a seed. The pull matters: for <c>K &gt; 2</c> the factorization
/// <c>mu P mu^T</c> is only determined up to a rotation, and the unpulled optimum drifts far from the labels.
/// </remarks>
internal static class MatrixCompletionEstimator
{
    /// <summary>The L-BFGS stop: the largest gradient component below this times the initial one (at least 1).</summary>
    private const double GradientTolerance = 1e-9;

    /// <summary>Snorkel's default initial precision of every labeling function.</summary>
    public const double InitialPrecision = 0.7;


    public static (double[] Mu, LbfgsMinimizerResult Result) Fit(LabelStatistics statistics, double[] balance, double[]? start, double l2, int maxIterations, CancellationToken cancellationToken)
    {
        int m = statistics.FunctionCount;
        int k = statistics.ClassCount;
        int d = m * k;
        long[] joint = statistics.Joint!;
        double n = statistics.ItemCount;

        // Only the (function, vote) pairs that occur are free: a vote a function never casts has probability 0 under
        // every class, which is also what the moments say. Keyword rules vote one class, so this removes most rows.
        int[] active = [.. Enumerable.Range(0, d).Where(p => joint[((long)p * d) + p] > 0)];
        int a = active.Length;
        var o = new double[a * a];
        var diagonal = new double[a];
        var block = new int[a];
        double scale = 0;
        for (int s = 0; s < a; s++)
        {
            block[s] = active[s] / k;
            for (int t = 0; t < a; t++)
            {
                o[(s * a) + t] = joint[((long)active[s] * d) + active[t]] / n;
            }

            diagonal[s] = o[(s * a) + s];
            scale += diagonal[s] * diagonal[s];
        }

        scale = scale > 0 ? 1 / scale : 1;
        double[] initial = InitialMu(active, diagonal, balance, k);
        double[] x0 = start is null ? [.. initial] : [.. active.SelectMany(p => start.AsSpan(p * k, k).ToArray())];
        double Objective(ReadOnlySpan<double> x, Span<double> gradient)
        {
            gradient.Clear();
            double loss = 0;
            Span<double> weighted = stackalloc double[k];
            for (int s = 0; s < a; s++)
            {
                ReadOnlySpan<double> ms = x.Slice(s * k, k);
                Span<double> gs = gradient.Slice(s * k, k);
                double marginal = 0;
                for (int y = 0; y < k; y++)
                {
                    weighted[y] = ms[y] * balance[y];
                    marginal += weighted[y];
                }

                // First moments: sum_y mu[p, y] pi_y = P(lambda = a).
                double r = marginal - diagonal[s];
                loss += r * r;
                for (int y = 0; y < k; y++)
                {
                    gs[y] += 2 * r * balance[y];
                }

                // Second moments off the diagonal blocks: both (p, q) and (q, p) count, as in Snorkel's masked norm.
                for (int t = 0; t < a; t++)
                {
                    if (block[t] == block[s])
                    {
                        continue;
                    }

                    ReadOnlySpan<double> mt = x.Slice(t * k, k);
                    double predicted = 0;
                    for (int y = 0; y < k; y++)
                    {
                        predicted += weighted[y] * mt[y];
                    }

                    double residual = predicted - o[(s * a) + t];
                    loss += residual * residual;
                    double factor = 4 * residual;
                    for (int y = 0; y < k; y++)
                    {
                        gs[y] += factor * balance[y] * mt[y];
                    }
                }
            }

            loss *= scale;
            for (int i = 0; i < gradient.Length; i++)
            {
                double pull = x[i] - initial[i];
                gradient[i] = (gradient[i] * scale) + (2 * l2 * pull);
                loss += l2 * pull * pull;
            }

            return loss;
        }

        LbfgsMinimizerResult result = LbfgsMinimizer.Minimize(Objective, x0, maxIterations, GradientTolerance, cancellationToken);
        var mu = new double[d * k];
        for (int s = 0; s < a; s++)
        {
            x0.AsSpan(s * k, k).CopyTo(mu.AsSpan(active[s] * k, k));
        }

        return (mu, result);
    }

    /// <summary>
    /// Snorkel's start on the diagonal, <c>mu[(j, y), y] = P(lambda_j = y) * 0.7 / P(Y = y)</c>, and the rest of each
    /// vote's frequency spread over the other classes, <c>P(lambda_j = y) * 0.3 / (1 - P(Y = y))</c>, so that the start
    /// matches the first moments (Snorkel starts them at 0), but never more than 3/7 of the right vote's; clamped to [0, 1].
    /// </summary>
    private static double[] InitialMu(int[] active, double[] diagonal, double[] balance, int k)
    {
        var mu = new double[active.Length * k];
        for (int s = 0; s < active.Length; s++)
        {
            int y = active[s] % k;
            double right = Math.Clamp(diagonal[s] * InitialPrecision / balance[y], 0, 1);
            mu[(s * k) + y] = right;

            // When class y dominates, 1 - P(Y = y) is small and the spread-out rest would exceed the right vote's
            // probability; the start never lets a wrong class draw the vote more than 0.3 / 0.7 as often.
            double wrong = Math.Min(diagonal[s] * (1 - InitialPrecision) / (1 - balance[y]), right * (1 - InitialPrecision) / InitialPrecision);
            for (int c = 0; c < k; c++)
            {
                if (c != y)
                {
                    mu[(s * k) + c] = Math.Clamp(wrong, 0, 1);
                }
            }
        }

        return mu;
    }
}
