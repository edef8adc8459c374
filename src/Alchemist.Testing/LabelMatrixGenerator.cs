namespace Alchemist.Testing;

/// <summary>Generates label matrices from the model weak supervision assumes: conditionally independent functions with known accuracies.</summary>
/// <remarks>
/// Each item's class is drawn from the class balance. Each function votes with probability equal to its coverage; a
/// vote is the true class with probability equal to its accuracy, otherwise one of the other classes uniformly. The
/// same seed and arguments always give the same matrix. Use it to check that a label model recovers the truth.
/// </remarks>
public static class LabelMatrixGenerator
{
    /// <summary>Generates a matrix with accuracies drawn uniformly from 0.55..0.95 and coverages from 0.1..0.6.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="items">The number of items.</param>
    /// <param name="functions">The number of functions.</param>
    /// <param name="classes">The number of classes.</param>
    /// <returns>The matrix and the truth behind it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public static SyntheticLabelMatrix Create(int seed, int items, int functions, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(functions);
        var random = new Random(seed);
        double[] accuracies = [.. Enumerable.Range(0, functions).Select(_ => 0.55 + (0.4 * random.NextDouble()))];
        double[] coverages = [.. Enumerable.Range(0, functions).Select(_ => 0.1 + (0.5 * random.NextDouble()))];
        double[] balance = [.. Enumerable.Repeat(1.0 / Math.Max(classes, 1), Math.Max(classes, 0))];
        return Create(seed, items, classes, accuracies, coverages, balance);
    }

    /// <summary>Generates a matrix from given accuracies, coverages and class balance.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="items">The number of items.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="accuracies">Each function's accuracy, in 0..1.</param>
    /// <param name="coverages">Each function's coverage, in 0..1; as many as <paramref name="accuracies"/>.</param>
    /// <param name="classBalance">The class prior; <paramref name="classes"/> values summing to 1.</param>
    /// <returns>The matrix and the truth behind it.</returns>
    /// <exception cref="ArgumentNullException">An array is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The arrays' lengths disagree, or a value is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public static SyntheticLabelMatrix Create(int seed, int items, int classes, IReadOnlyList<double> accuracies, IReadOnlyList<double> coverages, IReadOnlyList<double> classBalance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, Label.MaxClassCount);
        ArgumentNullException.ThrowIfNull(accuracies);
        ArgumentNullException.ThrowIfNull(coverages);
        ArgumentNullException.ThrowIfNull(classBalance);
        if (coverages.Count != accuracies.Count)
        {
            throw new ArgumentException($"{coverages.Count} coverages were given for {accuracies.Count} accuracies.", nameof(coverages));
        }

        if (classBalance.Count != classes || Math.Abs(classBalance.Sum() - 1) > 1e-9 || classBalance.Any(p => p < 0))
        {
            throw new ArgumentException($"The class balance must have {classes} non-negative values summing to 1.", nameof(classBalance));
        }

        if (accuracies.Any(a => a is < 0 or > 1) || coverages.Any(c => c is < 0 or > 1))
        {
            throw new ArgumentException("Accuracies and coverages must be between 0 and 1.", nameof(accuracies));
        }

        int m = accuracies.Count;
        var random = new Random(seed);
        var labels = new int[items];
        var votes = new sbyte[(long)items * m];
        double[] cumulative = new double[classes];
        double running = 0;
        for (int c = 0; c < classes; c++)
        {
            running += classBalance[c];
            cumulative[c] = running;
        }

        for (int i = 0; i < items; i++)
        {
            double u = random.NextDouble();
            int y = 0;
            while (y < classes - 1 && u >= cumulative[y])
            {
                y++;
            }

            labels[i] = y;
            int row = i * m;
            for (int j = 0; j < m; j++)
            {
                if (random.NextDouble() >= coverages[j])
                {
                    votes[row + j] = (sbyte)Label.Abstain;
                    continue;
                }

                if (random.NextDouble() < accuracies[j])
                {
                    votes[row + j] = (sbyte)y;
                }
                else
                {
                    int other = random.Next(classes - 1);
                    votes[row + j] = (sbyte)(other >= y ? other + 1 : other);
                }
            }
        }

        var matrix = new LabelMatrix(items, m, classes, votes);
        return new SyntheticLabelMatrix(matrix, labels, [.. accuracies], [.. coverages], [.. classBalance]);
    }
}
