namespace Alchemist;

/// <summary>Resolves the class balance a fit uses: given, from the dev split, or left to the model to estimate from the votes.</summary>
internal static class ClassBalances
{
    /// <summary>Gets the given or dev-split balance, or <see langword="null"/> when the model should estimate it from the votes.</summary>
    public static double[]? Resolve(LabelModelFitOptions options, int classCount)
    {
        if (options.ClassBalance is not null)
        {
            return [.. options.ClassBalance];
        }

        bool useDev = options.ClassBalanceEstimation == ClassBalanceEstimation.DevSplit
            || (options.ClassBalanceEstimation == ClassBalanceEstimation.Automatic && options.HasDevSplit);
        return useDev ? FromLabels(options.DevLabels!, classCount) : null;
    }

    /// <summary>Computes the smoothed class frequencies of gold labels: <c>(n_c + 1) / (n + K)</c>.</summary>
    public static double[] FromLabels(IReadOnlyList<int> labels, int classCount)
    {
        var balance = new double[classCount];
        foreach (int label in labels)
        {
            balance[label]++;
        }

        double total = labels.Count + classCount;
        for (int c = 0; c < classCount; c++)
        {
            balance[c] = (balance[c] + 1) / total;
        }

        return balance;
    }

    /// <summary>Computes the smoothed share of all votes that went to each class: <c>(votes_c + 1) / (votes + K)</c>.</summary>
    public static double[] FromVoteCounts(ReadOnlySpan<long> voteCounts, int classCount)
    {
        var balance = new double[classCount];
        for (int p = 0; p < voteCounts.Length; p++)
        {
            balance[p % classCount] += voteCounts[p];
        }

        double total = balance.Sum() + classCount;
        for (int c = 0; c < classCount; c++)
        {
            balance[c] = (balance[c] + 1) / total;
        }

        return balance;
    }

    /// <summary>
    /// Estimates the class balance that best explains the votes under a fitted vote model: the fixed point of
    /// <c>pi = mean over items of P(y | votes; pi)</c>, which is EM for the prior alone.
    /// </summary>
    /// <param name="rows">The distinct rows and their counts.</param>
    /// <param name="table">The fitted vote model; its bias is overwritten with the log of the result.</param>
    /// <param name="start">The starting balance.</param>
    /// <returns>The estimated balance, smoothed by one count per class.</returns>
    public static double[] FromPosteriors(IRowChunks rows, VoteLogTable table, double[] start)
    {
        int k = table.ClassCount;
        double[] balance = [.. start];
        Span<double> q = stackalloc double[k];
        var mass = new double[k];
        for (int iteration = 0; iteration < 100; iteration++)
        {
            for (int c = 0; c < k; c++)
            {
                table.Bias[c] = Math.Log(balance[c]);
            }

            Array.Clear(mass);
            for (int chunk = 0; chunk < rows.ChunkCount; chunk++)
            {
                ReadOnlySpan<sbyte> chunkRows = rows.GetChunkRows(chunk);
                ReadOnlySpan<long> weights = rows.GetChunkWeights(chunk);
                for (int r = 0, at = 0; at < chunkRows.Length; r++, at += rows.Width)
                {
                    table.Predict(chunkRows.Slice(at, rows.Width), q);
                    double w = weights.IsEmpty ? 1 : weights[r];
                    for (int c = 0; c < k; c++)
                    {
                        mass[c] += w * q[c];
                    }
                }
            }

            double change = 0;
            double total = rows.TotalWeight + k;
            for (int c = 0; c < k; c++)
            {
                double next = (mass[c] + 1) / total;
                change = Math.Max(change, Math.Abs(next - balance[c]));
                balance[c] = next;
            }

            if (change < 1e-7)
            {
                break;
            }
        }

        for (int c = 0; c < k; c++)
        {
            table.Bias[c] = Math.Log(balance[c]);
        }

        return balance;
    }
}
