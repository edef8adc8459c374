using MathNet.Numerics.Distributions;

namespace Alchemist;

/// <summary>
/// Compares the dev split's votes with those of the matrix being labeled (the target): a test of whether the target
/// fires its functions at the dev split's rates, and importance weights of the dev items by their vote rows.
/// </summary>
internal static class TargetShift
{
    /// <summary>
    /// The sum over functions of the squared two-proportion z statistics of the firing rates (dev against target),
    /// and the number of functions that fire in either matrix.
    /// </summary>
    public static (double Statistic, int Functions) FiringRateStatistic(LabelMatrix dev, LabelMatrix target)
    {
        int m = dev.FunctionCount;
        long[] devFires = FiringCounts(dev), targetFires = FiringCounts(target);
        double nd = dev.ItemCount, nt = target.ItemCount;
        double sum = 0;
        int used = 0;
        for (int j = 0; j < m; j++)
        {
            double pooled = (devFires[j] + targetFires[j]) / (nd + nt);
            if (pooled <= 0 || pooled >= 1)
            {
                continue;
            }

            double difference = (devFires[j] / nd) - (targetFires[j] / nt);
            sum += difference * difference / (pooled * (1 - pooled) * ((1 / nd) + (1 / nt)));
            used++;
        }

        return (sum, used);
    }

    /// <summary>Gets a value indicating whether the target's firing rates differ from the dev split's beyond the chi-square quantile <paramref name="level"/>.</summary>
    public static bool IsShifted(LabelMatrix dev, LabelMatrix target, double level = 0.999)
    {
        (double statistic, int functions) = FiringRateStatistic(dev, target);
        return functions > 0 && statistic > ChiSquared.InvCDF(functions, level);
    }

    /// <summary>
    /// Each dev item's weight: its vote row's add-one-smoothed frequency in the target over that in the dev split, the
    /// smoothing over the dev split's distinct rows.
    /// </summary>
    public static double[] ImportanceWeights(LabelMatrix dev, LabelMatrix target)
    {
        var rows = new DistinctRowTable(dev.FunctionCount);
        var rowOfItem = new int[dev.ItemCount];
        for (int i = 0; i < dev.ItemCount; i++)
        {
            rowOfItem[i] = rows.AddAt(dev.GetRow(i), 1);
        }

        var targetCounts = new long[rows.Count];
        for (int i = 0; i < target.ItemCount; i++)
        {
            int r = rows.IndexOf(target.GetRow(i));
            if (r >= 0)
            {
                targetCounts[r]++;
            }
        }

        double distinct = rows.Count;
        var weights = new double[dev.ItemCount];
        for (int i = 0; i < dev.ItemCount; i++)
        {
            int r = rowOfItem[i];
            double inTarget = (targetCounts[r] + 1) / (target.ItemCount + distinct);
            double inDev = (rows.GetWeight(r) + 1) / (dev.ItemCount + distinct);
            weights[i] = inTarget / inDev;
        }

        return weights;
    }

    private static long[] FiringCounts(LabelMatrix matrix)
    {
        var counts = new long[matrix.FunctionCount];
        for (int i = 0; i < matrix.ItemCount; i++)
        {
            ReadOnlySpan<sbyte> row = matrix.GetRow(i);
            for (int j = 0; j < row.Length; j++)
            {
                counts[j] += row[j] >= 0 ? 1 : 0;
            }
        }

        return counts;
    }
}
