namespace Alchemist;

/// <summary>
/// Expectation-maximization for the Dawid-Skene model over the distinct rows of a label matrix, each weighted by its
/// count, optionally with labeled rows whose posteriors are clamped to their gold class (semi-supervised EM).
/// </summary>
/// <remarks>
/// Each iteration is one fused pass: the E-step posterior of a row is folded into the M-step counts at once, so no
/// posterior is stored. The pass runs over fixed stripes of rows whose partial sums are added in stripe order, so the
/// result does not depend on the number of threads or their timing.
/// </remarks>
internal static class DawidSkeneEstimator
{
    private const int MaxStripes = 16;

    public static DawidSkeneFit Fit(DawidSkeneProblem problem, CancellationToken cancellationToken)
    {
        DistinctRowTable rows = problem.Rows;
        int m = rows.Width;
        int k = problem.ClassCount;
        int size = m * (k + 1) * k;
        double[]? balance = problem.FixedBalance is null ? null : [.. problem.FixedBalance];
        double[] supervised = SupervisedCounts(problem, size);
        int stripes = StripeCount(rows.ChunkCount, size);
        var partials = new Accumulator[stripes];
        for (int s = 0; s < stripes; s++)
        {
            partials[s] = new Accumulator(size, k);
        }

        // Start from majority vote: the first M-step uses vote-share posteriors.
        double[] initialBalance = balance ?? InitialBalance(rows, k);
        var table = new VoteLogTable(m, k);
        RunPass(rows, table, initialBalance, partials, initial: true);
        Accumulator total = Sum(partials, size, k);
        MaximizationStep(problem, total, supervised, table, ref balance, m, k);

        double previous = double.NaN;
        double change = double.NaN;
        int iterations = 0;
        bool converged = false;
        while (iterations < problem.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunPass(rows, table, balance!, partials, initial: false);
            total = Sum(partials, size, k);
            iterations++;
            double perItem = total.LogLikelihood / rows.TotalWeight;
            MaximizationStep(problem, total, supervised, table, ref balance, m, k);
            change = Math.Abs(perItem - previous);
            if (change <= problem.Tolerance)
            {
                converged = true;
                break;
            }

            previous = perItem;
        }

        return new DawidSkeneFit(table, balance!, iterations, converged, change, Accuracies(table, balance!, m, k));
    }

    private static int StripeCount(int chunks, int accumulatorSize)
    {
        // Each stripe holds its own M-step counts; keep them under ~32 MB in all.
        int byMemory = Math.Max(1, (int)Math.Min(MaxStripes, (4L << 20) / Math.Max(accumulatorSize, 1)));
        return Math.Max(1, Math.Min(Math.Min(chunks, MaxStripes), byMemory));
    }

    private static double[] InitialBalance(DistinctRowTable rows, int k)
    {
        var shares = new double[k];
        Span<double> q = stackalloc double[k];
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<sbyte> row = rows.GetRow(r);
            if (MajorityVoteLabelModel.HasVotes(row))
            {
                MajorityVoteLabelModel.VoteShares(row, q);
                for (int c = 0; c < k; c++)
                {
                    shares[c] += rows.GetWeight(r) * q[c];
                }
            }
        }

        double total = shares.Sum() + k;
        return [.. shares.Select(s => (s + 1) / total)];
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

    private static void RunPass(DistinctRowTable rows, VoteLogTable table, double[] balance, Accumulator[] partials, bool initial)
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
                (ReadOnlyMemory<sbyte> chunkRows, ReadOnlyMemory<long> weights) = rows.GetChunk(c);
                acc.AddRows(chunkRows.Span, weights.Span, rows.Width, table, balance, initial);
            }
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

    private static Accumulator Sum(Accumulator[] partials, int size, int k)
    {
        if (partials.Length == 1)
        {
            return partials[0];
        }

        var total = new Accumulator(size, k);
        foreach (Accumulator partial in partials)
        {
            total.Add(partial);
        }

        return total;
    }

    private static void MaximizationStep(DawidSkeneProblem problem, Accumulator total, double[] supervised, VoteLogTable table, ref double[]? balance, int m, int k)
    {
        int size = m * (k + 1) * k;
        double beta = problem.Smoothing;
        if (problem.FixedBalance is null)
        {
            balance ??= new double[k];
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
                    denominator += total.Counts[index] + supervised[index] + Prior(o, y, beta);
                }

                double logDenominator = Math.Log(denominator);
                for (int o = first; o <= k; o++)
                {
                    int index = at + (o * k) + y;
                    t[index] = Math.Log(total.Counts[index] + supervised[index] + Prior(o, y, beta)) - logDenominator;
                }

                if (!problem.ModelAbstentions)
                {
                    t[at + y] = 0;
                }
            }
        }

        for (int c = 0; c < k; c++)
        {
            table.Bias[c] = Math.Log(balance![c]);
        }
    }

    /// <summary>The Dirichlet pseudo-count of outcome <paramref name="o"/> (0 abstain, else vote + 1) under class <paramref name="y"/>: twice as much for the right vote.</summary>
    private static double Prior(int o, int y, double beta) => o == y + 1 ? 2 * beta : beta;

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

    private sealed class Accumulator(int size, int k)
    {
        public double[] Counts { get; } = new double[size];

        public double[] ClassMass { get; } = new double[k];

        public double LogLikelihood { get; private set; }

        public void Clear()
        {
            Array.Clear(Counts);
            Array.Clear(ClassMass);
            LogLikelihood = 0;
        }

        public void Add(Accumulator other)
        {
            for (int i = 0; i < Counts.Length; i++)
            {
                Counts[i] += other.Counts[i];
            }

            for (int c = 0; c < ClassMass.Length; c++)
            {
                ClassMass[c] += other.ClassMass[c];
            }

            LogLikelihood += other.LogLikelihood;
        }

        public void AddRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, int m, VoteLogTable table, double[] balance, bool initial)
        {
            int stride = (k + 1) * k;
            Span<double> q = stackalloc double[k];
            double[] counts = Counts;
            for (int r = 0; r < weights.Length; r++)
            {
                ReadOnlySpan<sbyte> row = rows.Slice(r * m, m);
                double w = weights[r];
                if (initial)
                {
                    if (MajorityVoteLabelModel.HasVotes(row))
                    {
                        MajorityVoteLabelModel.VoteShares(row, q);
                    }
                    else
                    {
                        balance.CopyTo(q);
                    }
                }
                else
                {
                    table.Score(row, q);
                    LogLikelihood += w * VoteLogTable.Softmax(q);
                }

                if (k == 2)
                {
                    double q0 = w * q[0], q1 = w * q[1];
                    ClassMass[0] += q0;
                    ClassMass[1] += q1;
                    for (int j = 0, at = 0; j < m; j++, at += stride)
                    {
                        int o = at + ((row[j] + 1) * 2);
                        counts[o] += q0;
                        counts[o + 1] += q1;
                    }

                    continue;
                }

                for (int c = 0; c < k; c++)
                {
                    q[c] *= w;
                    ClassMass[c] += q[c];
                }

                for (int j = 0, at = 0; j < m; j++, at += stride)
                {
                    int o = at + ((row[j] + 1) * k);
                    for (int c = 0; c < k; c++)
                    {
                        counts[o + c] += q[c];
                    }
                }
            }
        }
    }
}

/// <summary>What <see cref="DawidSkeneEstimator"/> fits: the rows, the shape and the settings.</summary>
internal sealed record DawidSkeneProblem(DistinctRowTable Rows, int ClassCount)
{
    public double[]? FixedBalance { get; init; }

    public double Smoothing { get; init; } = 1;

    public bool ModelAbstentions { get; init; } = true;

    public int MaxIterations { get; init; } = 200;

    public double Tolerance { get; init; } = 1e-7;

    public LabelMatrix? DevMatrix { get; init; }

    public IReadOnlyList<int>? DevLabels { get; init; }

    public double DevWeight { get; init; }
}

/// <summary>The outcome of <see cref="DawidSkeneEstimator.Fit"/>.</summary>
internal sealed record DawidSkeneFit(VoteLogTable Table, double[] Balance, int Iterations, bool Converged, double LastChange, double[] Accuracies);
