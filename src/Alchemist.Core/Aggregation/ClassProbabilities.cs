namespace Alchemist;

/// <summary>Represents a probability distribution over the classes for each of <c>n</c> items: a contiguous, row-major <c>n x K</c> matrix.</summary>
/// <remarks>Each row sums to 1. Instances are immutable once created and thread-safe for reading.</remarks>
public sealed class ClassProbabilities
{
    /// <summary>Two probabilities closer than this are a tie; the tolerance of Snorkel's <c>probs_to_preds</c>.</summary>
    public const double TieTolerance = 1e-5;

    private readonly double[] _values;

    /// <summary>Initializes a new instance of the <see cref="ClassProbabilities"/> class from a copy of row-major values.</summary>
    /// <param name="itemCount">The number of items, <c>n</c>.</param>
    /// <param name="classCount">The number of classes, <c>K</c>.</param>
    /// <param name="values">The <c>n * K</c> probabilities, row by row; each row is non-negative and sums to 1 within 1e-6.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="values"/> does not match, or a row is not a distribution.</exception>
    public ClassProbabilities(int itemCount, int classCount, ReadOnlySpan<double> values)
        : this(itemCount, classCount, values.ToArray())
    {
        for (int i = 0; i < itemCount; i++)
        {
            double sum = 0;
            foreach (double p in GetRow(i))
            {
                if (!(p >= 0 && p <= 1))
                {
                    throw new ArgumentException($"Row {i} holds {p}; probabilities must be between 0 and 1.", nameof(values));
                }

                sum += p;
            }

            if (Math.Abs(sum - 1) > 1e-6)
            {
                throw new ArgumentException($"Row {i} sums to {sum}; each row must sum to 1.", nameof(values));
            }
        }
    }

    internal ClassProbabilities(int itemCount, int classCount, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if ((long)itemCount * classCount != values.Length)
        {
            throw new ArgumentException($"{itemCount} items x {classCount} classes need {(long)itemCount * classCount} values; {values.Length} were given.", nameof(values));
        }

        ItemCount = itemCount;
        ClassCount = classCount;
        _values = values;
    }

    /// <summary>Gets the number of items.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the distribution of one item.</summary>
    /// <param name="item">The row.</param>
    /// <returns>A span of <see cref="ClassCount"/> probabilities summing to 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is out of range.</exception>
    public ReadOnlySpan<double> GetRow(int item)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)item, (uint)ItemCount, nameof(item));
        return new ReadOnlySpan<double>(_values, item * ClassCount, ClassCount);
    }

    /// <summary>Gets every probability, row by row.</summary>
    /// <returns>A read-only view of the <c>n * K</c> values.</returns>
    public ReadOnlySpan<double> AsSpan() => _values;

    /// <summary>Turns the distributions into class predictions.</summary>
    /// <param name="tieBreak">What to do when several classes share the highest probability; <see cref="TieBreak.Abstain"/> when <see langword="null"/>.</param>
    /// <param name="classPrior">The class prior that <see cref="TieBreak.ClassPrior"/> uses; uniform when <see langword="null"/>.</param>
    /// <returns>One class per item, or <see cref="Label.Abstain"/> for a tie under <see cref="TieBreak.Abstain"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="classPrior"/> does not have one value per class.</exception>
    public int[] Predict(TieBreak? tieBreak = null, IReadOnlyList<double>? classPrior = null)
    {
        tieBreak ??= TieBreak.Abstain;
        if (classPrior is not null && classPrior.Count != ClassCount)
        {
            throw new ArgumentException($"The class prior has {classPrior.Count} values for {ClassCount} classes.", nameof(classPrior));
        }

        return Predict(tieBreak.Kind, tieBreak.Kind == TieBreakKind.Random ? new Random(tieBreak.Seed) : null, classPrior);
    }

    /// <summary>Turns the distributions into class predictions, breaking ties at random with a generator the caller keeps (a streamed run's, which carries over from chunk to chunk).</summary>
    /// <param name="random">The generator that picks among tied classes.</param>
    /// <returns>One class per item.</returns>
    internal int[] Predict(Random random) => Predict(TieBreakKind.Random, random, classPrior: null);

    private int[] Predict(TieBreakKind kind, Random? random, IReadOnlyList<double>? classPrior)
    {
        var predictions = new int[ItemCount];
        Span<int> tied = stackalloc int[ClassCount];
        for (int i = 0; i < ItemCount; i++)
        {
            ReadOnlySpan<double> row = GetRow(i);
            double max = double.NegativeInfinity;
            foreach (double p in row)
            {
                max = Math.Max(max, p);
            }

            int count = 0;
            for (int c = 0; c < row.Length; c++)
            {
                if (max - row[c] < TieTolerance)
                {
                    tied[count++] = c;
                }
            }

            predictions[i] = count == 1 ? tied[0] : kind switch
            {
                TieBreakKind.Random => tied[random!.Next(count)],
                TieBreakKind.ClassPrior => MostLikely(tied[..count], classPrior),
                _ => Label.Abstain,
            };
        }

        return predictions;
    }

    private static int MostLikely(ReadOnlySpan<int> tied, IReadOnlyList<double>? classPrior)
    {
        int best = tied[0];
        if (classPrior is null)
        {
            return best;
        }

        foreach (int c in tied)
        {
            if (classPrior[c] > classPrior[best])
            {
                best = c;
            }
        }

        return best;
    }
}
