namespace Alchemist;

public sealed partial class LabelStatistics
{
    private const int ParallelRowThreshold = 16_384;

    /// <summary>Computes the statistics of a label matrix in one pass.</summary>
    /// <param name="matrix">The votes; at least one function.</param>
    /// <param name="options">Which statistics to gather; everything when <see langword="null"/>.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="matrix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> has no functions.</exception>
    /// <remarks>
    /// With distinct rows, the pass groups identical rows and the pairwise counts come from the (usually few) distinct
    /// rows; without them, the pairwise counts come from the matrix itself, in parallel for large matrices.
    /// </remarks>
    public static LabelStatistics Compute(LabelMatrix matrix, LabelStatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.FunctionCount == 0)
        {
            throw new ArgumentException("Label statistics need at least one labeling function; the matrix has none.", nameof(matrix));
        }

        options ??= new LabelStatisticsOptions();
        DistinctRowTable? rows = null;
        if (options.IncludeDistinctRows)
        {
            rows = new DistinctRowTable(matrix.FunctionCount, matrix.ItemCount);
            rows.AddRows(matrix.AsSpan());
        }

        return Compute(matrix, options.IncludePairCounts, rows);
    }

    /// <summary>Computes the statistics of a matrix whose distinct rows, if any, are already grouped.</summary>
    /// <param name="matrix">The votes.</param>
    /// <param name="pairs">Whether to gather pair counts.</param>
    /// <param name="rows">The matrix's distinct rows, whose pair counts are cheaper than the matrix's; or <see langword="null"/>.</param>
    internal static LabelStatistics Compute(LabelMatrix matrix, bool pairs, DistinctRowTable? rows)
    {
        int m = matrix.FunctionCount;
        int k = matrix.ClassCount;
        bool joint = pairs && m * k <= MaxJointDimension;
        PairCountAccumulator counts = rows is not null ? Accumulate(rows, k, pairs, joint) : Accumulate(matrix, pairs, joint);
        return Finish(m, k, matrix.FunctionNames, counts, rows);
    }

    /// <summary>Computes the statistics of a matrix from its distinct rows alone (the merged rows of its partitions): the same statistics, count for count, as <see cref="Compute(LabelMatrix, bool, DistinctRowTable?)"/> with pair counts on the matrix whose grouped rows these are.</summary>
    /// <param name="rows">The distinct rows with their counts, in order of first occurrence.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="functionNames">The name of each column.</param>
    internal static LabelStatistics FromRows(DistinctRowTable rows, int classCount, IReadOnlyList<string> functionNames)
    {
        int m = rows.Width;
        bool joint = m * classCount <= MaxJointDimension;
        return Finish(m, classCount, functionNames, Accumulate(rows, classCount, pairs: true, joint), rows);
    }

    /// <summary>Merges the statistics of partitions of one label matrix: same functions, same classes, disjoint items.</summary>
    /// <param name="parts">The statistics of each partition, in item order; at least one.</param>
    /// <returns>The statistics of the whole; identical to computing them on the concatenated partitions.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="parts"/> is empty, or the parts have other functions or classes.</exception>
    /// <remarks>A statistic that some part lacks (pair counts, distinct rows) is absent from the result.</remarks>
    public static LabelStatistics Merge(IEnumerable<LabelStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        LabelStatistics[] all = [.. parts];
        if (all.Length == 0)
        {
            throw new ArgumentException("Merge needs the statistics of at least one partition.", nameof(parts));
        }

        LabelStatistics first = all[0] ?? throw new ArgumentNullException(nameof(parts));
        for (int p = 1; p < all.Length; p++)
        {
            LabelStatistics part = all[p] ?? throw new ArgumentNullException(nameof(parts));
            if (part.FunctionCount != first.FunctionCount || part.ClassCount != first.ClassCount || !part.FunctionNames.SequenceEqual(first.FunctionNames, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"Partition {p} has {part.FunctionCount} functions and {part.ClassCount} classes ({string.Join(", ", part.FunctionNames.Take(3))}, ...); partition 0 has {first.FunctionCount} and {first.ClassCount} ({string.Join(", ", first.FunctionNames.Take(3))}, ...). Only statistics of the same functions merge.",
                    nameof(parts));
            }
        }

        bool pairs = all.All(s => s.HasPairCounts);
        bool joint = all.All(s => s.HasJointCounts);
        bool distinct = all.All(s => s.HasDistinctRows);
        var voteCounts = new long[first._voteCounts.Length];
        long[]? overlaps = pairs ? new long[first._overlaps!.Length] : null;
        long[]? agreements = pairs ? new long[first._agreements!.Length] : null;
        long[]? jointCounts = joint ? new long[first._joint!.Length] : null;
        DistinctRowTable? rows = distinct ? new DistinctRowTable(first.FunctionCount) : null;
        long items = 0;
        long covered = 0;
        foreach (LabelStatistics part in all)
        {
            items += part.ItemCount;
            covered += part.CoveredItemCount;
            AddTo(voteCounts, part._voteCounts);
            if (pairs)
            {
                AddTo(overlaps!, part._overlaps!);
                AddTo(agreements!, part._agreements!);
            }

            if (joint)
            {
                AddTo(jointCounts!, part._joint!);
            }

            rows?.AddTable(part._rows!);
        }

        return new LabelStatistics(first.FunctionCount, first.ClassCount, first.FunctionNames, items, covered, voteCounts, overlaps, agreements, jointCounts, rows);
    }

    /// <summary>Creates statistics that carry only a shape and an item count, for a fit whose rows come from elsewhere (<see cref="IRowChunks"/>).</summary>
    internal static LabelStatistics ShapeOnly(int functionCount, int classCount, long itemCount, IReadOnlyList<string> functionNames) =>
        new(functionCount, classCount, functionNames, itemCount, 0, new long[functionCount * classCount], null, null, null, null);

    private static PairCountAccumulator Accumulate(DistinctRowTable rows, int classCount, bool pairs, bool joint)
    {
        int m = rows.Width;
        bool bitset = classCount <= PairCountAccumulator.MaxBitsetClasses && rows.Count >= PairCountAccumulator.BitsetBlockRows;
        var total = new PairCountAccumulator(m, classCount, pairs, joint);
        void AddChunk(int chunk, PairCountAccumulator into)
        {
            ReadOnlySpan<sbyte> chunkRows = rows.GetChunkRows(chunk);
            ReadOnlySpan<long> weights = rows.GetChunkWeights(chunk);
            if (!bitset)
            {
                into.AddRowwise(chunkRows, weights, weightOffset: 0);
                return;
            }

            // Every row once with the bitset kernel, then the extra weight of repeated rows row by row.
            int stride = PairCountAccumulator.BitsetBlockRows * m;
            for (int at = 0; at < chunkRows.Length; at += stride)
            {
                into.AddBitset(chunkRows.Slice(at, Math.Min(stride, chunkRows.Length - at)));
            }

            into.AddRowwise(chunkRows, weights, weightOffset: 1);
        }

        if (rows.Count < ParallelRowThreshold)
        {
            for (int c = 0; c < rows.ChunkCount; c++)
            {
                AddChunk(c, total);
            }

            return total;
        }

        Parallel.For(
            0,
            rows.ChunkCount,
            () => new PairCountAccumulator(m, classCount, pairs, joint),
            (chunk, _, local) =>
            {
                AddChunk(chunk, local);
                return local;
            },
            local =>
            {
                lock (total)
                {
                    total.Add(local);
                }
            });
        return total;
    }

    private static PairCountAccumulator Accumulate(LabelMatrix matrix, bool pairs, bool joint)
    {
        int m = matrix.FunctionCount;
        int k = matrix.ClassCount;
        bool bitset = k <= PairCountAccumulator.MaxBitsetClasses;
        int blockRows = PairCountAccumulator.BitsetBlockRows;
        int blocks = (matrix.ItemCount + blockRows - 1) / blockRows;
        var total = new PairCountAccumulator(m, k, pairs, joint);
        void AddBlock(int block, PairCountAccumulator into)
        {
            int start = block * blockRows;
            int count = Math.Min(blockRows, matrix.ItemCount - start);
            ReadOnlySpan<sbyte> votes = matrix.AsSpan().Slice(start * m, count * m);
            if (bitset)
            {
                into.AddBitset(votes);
            }
            else
            {
                into.AddRowwise(votes, [], weightOffset: 0);
            }
        }

        if (matrix.ItemCount < ParallelRowThreshold)
        {
            for (int b = 0; b < blocks; b++)
            {
                AddBlock(b, total);
            }

            return total;
        }

        Parallel.For(
            0,
            blocks,
            () => new PairCountAccumulator(m, k, pairs, joint),
            (block, _, local) =>
            {
                AddBlock(block, local);
                return local;
            },
            local =>
            {
                lock (total)
                {
                    total.Add(local);
                }
            });
        return total;
    }

    private static LabelStatistics Finish(int m, int k, IReadOnlyList<string> names, PairCountAccumulator counts, DistinctRowTable? rows)
    {
        long[] votes = counts.VoteCounts;
        long[]? overlaps = null;
        long[]? agreements = null;
        long[]? joint = counts.Joint;
        if (joint is not null)
        {
            int d = m * k;
            overlaps = new long[m * m];
            agreements = new long[m * m];
            for (int p = 0; p < d; p++)
            {
                joint[((long)p * d) + p] = votes[p];
                for (int q = ((p / k) + 1) * k; q < d; q++)
                {
                    long value = joint[((long)p * d) + q];
                    joint[((long)q * d) + p] = value;
                    int j = p / k;
                    int l = q / k;
                    overlaps[(j * m) + l] += value;
                    if (p % k == q % k)
                    {
                        agreements[(j * m) + l] += value;
                    }
                }
            }
        }
        else if (counts.Pairs)
        {
            overlaps = counts.Overlaps!;
            agreements = counts.Agreements!;
        }

        if (overlaps is not null)
        {
            for (int j = 0; j < m; j++)
            {
                long own = 0;
                for (int c = 0; c < k; c++)
                {
                    own += votes[(j * k) + c];
                }

                overlaps[(j * m) + j] = own;
                agreements![(j * m) + j] = own;
                for (int l = j + 1; l < m; l++)
                {
                    overlaps[(l * m) + j] = overlaps[(j * m) + l];
                    agreements[(l * m) + j] = agreements[(j * m) + l];
                }
            }
        }

        return new LabelStatistics(m, k, names, counts.Items, counts.Covered, votes, overlaps, agreements, joint, rows);
    }

    private static void AddTo(long[] target, long[] source)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }
}
