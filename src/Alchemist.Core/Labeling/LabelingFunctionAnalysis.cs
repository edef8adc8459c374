namespace Alchemist;

/// <summary>Represents the analysis of a label matrix: per-function coverage, overlaps, conflicts, polarity and accuracy, and totals.</summary>
/// <remarks>
/// The figures use the definitions of Snorkel's <c>LFAnalysis</c>, so they compare one to one: coverage is the fraction
/// of items a function votes on; overlaps the fraction it votes on with another function; conflicts the fraction it
/// votes on where the votes disagree; empirical accuracy the fraction of its votes equal to the gold label.
/// </remarks>
public sealed class LabelingFunctionAnalysis
{
    private LabelingFunctionAnalysis(int itemCount, IReadOnlyList<LabelingFunctionSummary> functions, double coverage, double overlap, double conflict)
    {
        ItemCount = itemCount;
        Functions = functions;
        Coverage = coverage;
        Overlap = overlap;
        Conflict = conflict;
    }

    /// <summary>Gets the number of items analyzed.</summary>
    public int ItemCount { get; }

    /// <summary>Gets the figures of each function, in column order.</summary>
    public IReadOnlyList<LabelingFunctionSummary> Functions { get; }

    /// <summary>Gets the fraction of items with at least one vote.</summary>
    public double Coverage { get; }

    /// <summary>Gets the fraction of items with at least two votes.</summary>
    public double Overlap { get; }

    /// <summary>Gets the fraction of items whose votes name at least two different classes.</summary>
    public double Conflict { get; }

    /// <summary>Analyzes the first <paramref name="columns"/> columns of distinct vote rows weighted by their counts: the same figures as <see cref="Analyze(LabelMatrix, IReadOnlyList{int}?)"/> without gold labels on the matrix of those columns (every figure is a count over items, divided by the item count at the end).</summary>
    /// <param name="rows">The distinct rows with their counts.</param>
    /// <param name="columns">The number of leading columns to analyze.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="names">The name of each analyzed column.</param>
    internal static LabelingFunctionAnalysis Analyze(DistinctRowTable rows, int columns, int classCount, IReadOnlyList<string> names)
    {
        int m = columns;
        int k = classCount;
        long n = rows.TotalWeight;
        var votes = new long[m];
        var overlaps = new long[m];
        var conflicts = new long[m];
        var polarity = new bool[m * k];
        long covered = 0, overlapped = 0, conflicted = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            ReadOnlySpan<sbyte> row = rows.GetRow(r)[..m];
            long weight = rows.GetWeight(r);
            (int voters, bool conflict) = Voters(row);
            if (voters == 0)
            {
                continue;
            }

            covered += weight;
            overlapped += voters > 1 ? weight : 0;
            conflicted += conflict ? weight : 0;
            for (int j = 0; j < m; j++)
            {
                int v = row[j];
                if (v < 0)
                {
                    continue;
                }

                votes[j] += weight;
                polarity[(j * k) + v] = true;
                overlaps[j] += voters > 1 ? weight : 0;
                conflicts[j] += conflict ? weight : 0;
            }
        }

        double denominator = Math.Max(n, 1);
        var summaries = new LabelingFunctionSummary[m];
        for (int j = 0; j < m; j++)
        {
            int[] classes = [.. Enumerable.Range(0, k).Where(c => polarity[(j * k) + c])];
            summaries[j] = new LabelingFunctionSummary(j, names[j], classes, votes[j], votes[j] / denominator, overlaps[j] / denominator, conflicts[j] / denominator, null, null, null);
        }

        return new LabelingFunctionAnalysis(checked((int)n), summaries, covered / denominator, overlapped / denominator, conflicted / denominator);
    }


    /// <summary>Analyzes a label matrix.</summary>
    /// <param name="matrix">The votes.</param>
    /// <param name="goldLabels">The gold label of each item, for empirical accuracies; <see langword="null"/> when unknown. A gold label of -1 marks an item without gold, which is left out of the accuracies.</param>
    /// <returns>The analysis.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="goldLabels"/> does not have one label per item, or holds a label outside <c>-1..K-1</c>.</exception>
    public static LabelingFunctionAnalysis Analyze(LabelMatrix matrix, IReadOnlyList<int>? goldLabels = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.ItemCount;
        int m = matrix.FunctionCount;
        int k = matrix.ClassCount;
        if (goldLabels is not null)
        {
            if (goldLabels.Count != n)
            {
                throw new ArgumentException($"{goldLabels.Count} gold labels were given for {n} items.", nameof(goldLabels));
            }

            for (int i = 0; i < n; i++)
            {
                if (goldLabels[i] < Label.Abstain || goldLabels[i] >= k)
                {
                    throw new ArgumentException($"The gold label of item {i} is {goldLabels[i]}; it must be -1 (unknown) or a class index in 0..{k - 1}.", nameof(goldLabels));
                }
            }
        }

        var votes = new long[m];
        var overlaps = new long[m];
        var conflicts = new long[m];
        var correct = new long[m];
        var incorrect = new long[m];
        var polarity = new bool[m * k];
        long covered = 0, overlapped = 0, conflicted = 0;

        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<sbyte> row = matrix.GetRow(i);
            (int voters, bool conflict) = Voters(row);
            if (voters == 0)
            {
                continue;
            }

            covered++;
            overlapped += voters > 1 ? 1 : 0;
            conflicted += conflict ? 1 : 0;
            int gold = goldLabels?[i] ?? Label.Abstain;
            for (int j = 0; j < row.Length; j++)
            {
                int v = row[j];
                if (v < 0)
                {
                    continue;
                }

                votes[j]++;
                polarity[(j * k) + v] = true;
                if (voters > 1)
                {
                    overlaps[j]++;
                }

                if (conflict)
                {
                    conflicts[j]++;
                }

                if (gold >= 0)
                {
                    if (v == gold)
                    {
                        correct[j]++;
                    }
                    else
                    {
                        incorrect[j]++;
                    }
                }
            }
        }

        double denominator = Math.Max(n, 1);
        var summaries = new LabelingFunctionSummary[m];
        for (int j = 0; j < m; j++)
        {
            int[] classes = [.. Enumerable.Range(0, k).Where(c => polarity[(j * k) + c])];
            long judged = correct[j] + incorrect[j];
            summaries[j] = new LabelingFunctionSummary(
                j,
                matrix.FunctionNames[j],
                classes,
                votes[j],
                votes[j] / denominator,
                overlaps[j] / denominator,
                conflicts[j] / denominator,
                goldLabels is null ? null : correct[j],
                goldLabels is null ? null : incorrect[j],
                goldLabels is null || judged == 0 ? null : (double)correct[j] / judged);
        }

        return new LabelingFunctionAnalysis(n, summaries, covered / denominator, overlapped / denominator, conflicted / denominator);
    }

    /// <summary>Counts a row's votes and says whether two of them name different classes.</summary>
    private static (int Voters, bool Conflict) Voters(ReadOnlySpan<sbyte> row)
    {
        int voters = 0;
        int first = Label.Abstain;
        bool conflict = false;
        foreach (sbyte v in row)
        {
            if (v < 0)
            {
                continue;
            }

            voters++;
            if (first < 0)
            {
                first = v;
            }
            else if (v != first)
            {
                conflict = true;
            }
        }

        return (voters, conflict);
    }
}
