namespace Alchemist;

/// <summary>
/// Expectation-maximization for the Dawid-Skene model over weighted rows (the distinct rows of a label matrix with
/// their counts, or the matrix's own rows), optionally with labeled rows whose posteriors are clamped to their gold
/// class (semi-supervised EM).
/// </summary>
/// <remarks>
/// Each iteration is one fused pass: the E-step posterior of a row is folded into the M-step counts at once, so no
/// posterior is stored. For two classes the pass carries only class 1's posterior and log-odds, half the work; with
/// AVX-512 and rows of 32 functions or more, it takes sixteen rows at a time through vector kernels that add the same
/// terms in the same order as the scalar pass, so the fit is the same to the bit on any hardware. The pass runs over
/// fixed stripes of rows whose partial sums are added in stripe order, so the result does not depend on the number of
/// threads or their timing. EM stops when no probability of the model moves by more than the tolerance between
/// iterations.
/// </remarks>
internal static partial class DawidSkeneEstimator
{
    private const int MaxStripes = 16;

    public static DawidSkeneFit Fit(DawidSkeneProblem problem, CancellationToken cancellationToken)
    {
        IRowChunks rows = problem.Rows;
        int m = rows.Width;
        int k = problem.ClassCount;
        int size = m * (k + 1) * k;
        double[] supervised = SupervisedCounts(problem, size);
        int stripes = StripeCount(rows.ChunkCount, size);
        var partials = new Accumulator[stripes];
        for (int s = 0; s < stripes; s++)
        {
            partials[s] = new Accumulator(m, k);
        }

        // Start from majority vote: the first M-step uses vote-share posteriors. The same pass counts, for the
        // binary path, how much weight has each (function, outcome), which later passes need but never change.
        // Items without votes start from the given balance, or a uniform one that the first M-step replaces.
        double[] balance = problem.FixedBalance is null ? [.. Enumerable.Repeat(1.0 / k, k)] : [.. problem.FixedBalance];
        var table = new VoteLogTable(m, k);
        RunPass(rows, table, balance, partials, initial: true);
        Accumulator total = Sum(partials, m, k);
        double[] outcomeWeights = [.. total.Counts];
        var probabilities = new double[size + k];
        var previous = new double[size + k];
        MaximizationStep(problem, total, outcomeWeights, supervised, table, balance, m, k, probabilities);

        double change = double.NaN;
        int iterations = 0;
        bool converged = false;
        while (iterations < problem.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (previous, probabilities) = (probabilities, previous);
            RunPass(rows, table, balance, partials, initial: false);
            total = Sum(partials, m, k);
            iterations++;
            MaximizationStep(problem, total, outcomeWeights, supervised, table, balance, m, k, probabilities);
            change = Change(probabilities, previous);
            if (change <= problem.Tolerance)
            {
                converged = true;
                break;
            }
        }

        return new DawidSkeneFit(table, balance, iterations, converged, change, Accuracies(table, balance, m, k));
    }

    private static int StripeCount(int chunks, int accumulatorSize)
    {
        // Each stripe holds its own M-step counts; keep them under ~32 MB in all.
        int byMemory = Math.Max(1, (int)Math.Min(MaxStripes, (4L << 20) / Math.Max(accumulatorSize, 1)));
        return Math.Max(1, Math.Min(Math.Min(chunks, MaxStripes), byMemory));
    }

    private static double[] SupervisedCounts(DawidSkeneProblem problem, int size)
    {
        var counts = new double[size + problem.ClassCount];
        if (problem.DevMatrix is not { } dev || problem.DevLabels is not { } labels || problem.DevWeight <= 0)
        {
            return counts;
        }

        int k = problem.ClassCount;
        for (int i = 0; i < dev.ItemCount; i++)
        {
            ReadOnlySpan<sbyte> row = dev.GetRow(i);
            int y = labels[i];
            for (int j = 0; j < row.Length; j++)
            {
                counts[(((j * (k + 1)) + row[j] + 1) * k) + y] += problem.DevWeight;
            }

            counts[size + y] += problem.DevWeight;
        }

        return counts;
    }

    private static void RunPass(IRowChunks rows, VoteLogTable table, double[] balance, Accumulator[] partials, bool initial)
    {
        int chunks = rows.ChunkCount;
        int stripes = partials.Length;
        void Stripe(int s)
        {
            Accumulator acc = partials[s];
            acc.Clear();
            int from = (int)((long)s * chunks / stripes);
            int to = (int)((long)(s + 1) * chunks / stripes);
            for (int c = from; c < to; c++)
            {
                ReadOnlySpan<sbyte> chunk = rows.GetChunkRows(c);
                ReadOnlySpan<long> weights = rows.GetChunkWeights(c);
                if (initial)
                {
                    acc.AddInitialRows(chunk, weights, balance);
                }
                else if (table.ClassCount == 2)
                {
                    acc.AddBinaryRows(chunk, weights, table);
                }
                else
                {
                    acc.AddRows(chunk, weights, table);
                }
            }

            acc.Finish();
        }

        if (stripes == 1)
        {
            Stripe(0);
        }
        else
        {
            Parallel.For(0, stripes, Stripe);
        }
    }

    private static Accumulator Sum(Accumulator[] partials, int m, int k)
    {
        if (partials.Length == 1)
        {
            return partials[0];
        }

        var total = new Accumulator(m, k);
        foreach (Accumulator partial in partials)
        {
            total.Add(partial);
        }

        return total;
    }

    private static void MaximizationStep(DawidSkeneProblem problem, Accumulator total, double[] outcomeWeights, double[] supervised, VoteLogTable table, double[] balance, int m, int k, double[] probabilities)
    {
        int size = m * (k + 1) * k;
        double[] counts = total.Counts;
        if (total.BinaryOnly)
        {
            // The binary pass keeps class 1's share only; class 0 gets the rest of each outcome's weight.
            for (int i = 0; i < size; i += 2)
            {
                counts[i] = outcomeWeights[i] + outcomeWeights[i + 1] - counts[i + 1];
            }

            total.ClassMass[0] = total.Weight - total.ClassMass[1];
        }

        double beta = problem.Smoothing;
        if (problem.FixedBalance is null)
        {
            double mass = 0;
            for (int c = 0; c < k; c++)
            {
                mass += total.ClassMass[c] + supervised[size + c];
            }

            for (int c = 0; c < k; c++)
            {
                balance[c] = (total.ClassMass[c] + supervised[size + c] + 1) / (mass + k);
            }
        }

        double[] t = table.Table;
        int first = problem.ModelAbstentions ? 0 : 1;
        for (int j = 0; j < m; j++)
        {
            int at = j * (k + 1) * k;
            for (int y = 0; y < k; y++)
            {
                double denominator = 0;
                for (int o = first; o <= k; o++)
                {
                    int index = at + (o * k) + y;
                    denominator += counts[index] + supervised[index] + Prior(o, y, beta);
                }

                for (int o = first; o <= k; o++)
                {
                    int index = at + (o * k) + y;
                    double p = (counts[index] + supervised[index] + Prior(o, y, beta)) / denominator;
                    t[index] = Math.Log(p);
                    probabilities[index] = p;
                }

                if (!problem.ModelAbstentions)
                {
                    t[at + y] = 0;
                }
            }
        }

        for (int c = 0; c < k; c++)
        {
            table.Bias[c] = Math.Log(balance[c]);
            probabilities[size + c] = balance[c];
        }
    }

    /// <summary>The Dirichlet pseudo-count of outcome <paramref name="o"/> (0 abstain, else vote + 1) under class <paramref name="y"/>: twice as much for the right vote.</summary>
    private static double Prior(int o, int y, double beta) => o == y + 1 ? 2 * beta : beta;

    private static double Change(double[] probabilities, double[] previous)
    {
        double change = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            change = Math.Max(change, Math.Abs(probabilities[i] - previous[i]));
        }

        return change;
    }

    private static double[] Accuracies(VoteLogTable table, double[] balance, int m, int k)
    {
        var accuracies = new double[m];
        for (int j = 0; j < m; j++)
        {
            double right = 0, voted = 0;
            for (int y = 0; y < k; y++)
            {
                for (int v = 0; v < k; v++)
                {
                    double p = balance[y] * Math.Exp(table.Table[table.Offset(j, v) + y]);
                    voted += p;
                    right += v == y ? p : 0;
                }
            }

            accuracies[j] = voted > 0 ? right / voted : 1.0 / k;
        }

        return accuracies;
    }
}
