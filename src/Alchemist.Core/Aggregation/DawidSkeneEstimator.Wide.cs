using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alchemist;

internal static partial class DawidSkeneEstimator
{
    /// <content>The wide kernels: two classes, a few dozen functions or more, AVX-512.</content>
    private sealed partial class Accumulator
    {
        /// <summary>The number of rows whose log-odds the wide binary pass sums together, one per vector lane, and whose posteriors it adds to the counts together.</summary>
        private const int WideBlock = 16;

        /// <summary>
        /// The binary pass of the wide kernels: class 1's log-odds per (outcome, function); then, per block of sixteen
        /// rows, each row's sum of its cells' log-odds, one row per vector lane, and the block's posteriors added to
        /// each cell's outcome count through masks, eight functions at a time. Every row's sum and every count takes
        /// the same terms in the same order as one gather and one add per cell, so the result is the same to the bit.
        /// </summary>
        private void AddWideBinaryRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, VoteLogTable table)
        {
            _denseFirstClass = 1;
            double[] dense = _dense ??= new double[6 * m];
            Span<double> odds = m * 3 <= 1024 ? stackalloc double[m * 3] : new double[m * 3];
            double[] t = table.Table;
            for (int j = 0; j < m; j++)
            {
                for (int o = 0; o <= 2; o++)
                {
                    int at = (j * 6) + (o * 2);
                    odds[(o * m) + j] = t[at + 1] - t[at];
                }
            }

            double bias = table.Bias[1] - table.Bias[0];
            Span<double> z = stackalloc double[WideBlock];
            Span<double> q1 = stackalloc double[WideBlock];
            Span<double> counts = dense.AsSpan(3 * m, 3 * m);
            double mass = 0, weight = 0;
            int rowCount = rows.Length / m;
            for (int r = 0; r < rowCount; r += WideBlock)
            {
                int block = Math.Min(WideBlock, rowCount - r);
                ReadOnlySpan<sbyte> blockRows = rows.Slice(r * m, block * m);
                if (block == WideBlock)
                {
                    LogOddsOfSixteenRows(blockRows, odds, bias, z);
                }
                else
                {
                    for (int b = 0; b < block; b++)
                    {
                        z[b] = bias;
                        AddLogOdds(blockRows.Slice(b * m, m), 0, odds, ref z[b]);
                    }
                }

                for (int b = 0; b < block; b++)
                {
                    double w = weights.IsEmpty ? 1 : weights[r + b];
                    q1[b] = w / (1 + Math.Exp(-z[b]));
                    mass += q1[b];
                    weight += w;
                }

                AddOutcomeCounts(blockRows, q1[..block], counts);
            }

            ClassMass[1] += mass;
            Weight += weight;
        }

        /// <summary>Adds to <paramref name="z"/> the value in <paramref name="values"/> (by outcome, then function) of each function's outcome from <paramref name="from"/> on.</summary>
        private void AddLogOdds(ReadOnlySpan<sbyte> row, int from, ReadOnlySpan<double> values, ref double z)
        {
            for (int j = from; j < row.Length; j++)
            {
                z += values[((row[j] + 1) * m) + j];
            }
        }

        /// <summary>The initial pass of the wide kernels: as <see cref="AddPosterior"/> with the vote shares, into the dense counts, a block of rows at a time.</summary>
        private void AddWideInitialRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, double[] balance)
        {
            _denseFirstClass = 0;
            double[] dense = _dense ??= new double[6 * m];
            Span<double> q = stackalloc double[2];
            Span<double> q0 = stackalloc double[WideBlock];
            Span<double> q1 = stackalloc double[WideBlock];
            int rowCount = rows.Length / m;
            for (int r = 0; r < rowCount; r += WideBlock)
            {
                int block = Math.Min(WideBlock, rowCount - r);
                ReadOnlySpan<sbyte> blockRows = rows.Slice(r * m, block * m);
                for (int b = 0; b < block; b++)
                {
                    ReadOnlySpan<sbyte> row = blockRows.Slice(b * m, m);
                    if (MajorityVoteLabelModel.HasVotes(row))
                    {
                        MajorityVoteLabelModel.VoteShares(row, q);
                    }
                    else
                    {
                        balance.CopyTo(q);
                    }

                    double w = weights.IsEmpty ? 1 : weights[r + b];
                    q0[b] = w * q[0];
                    q1[b] = w * q[1];
                    ClassMass[0] += q0[b];
                    ClassMass[1] += q1[b];
                    Weight += w;
                }

                AddOutcomeCounts(blockRows, q0[..block], dense.AsSpan(0, 3 * m));
                AddOutcomeCounts(blockRows, q1[..block], dense.AsSpan(3 * m, 3 * m));
            }
        }

        /// <summary>
        /// Sums the bias and each function's value in <paramref name="values"/> (by outcome, then function) for sixteen
        /// rows, one row per lane of two vectors: per function, each lane picks the value of its row's outcome and adds
        /// it to its own sum, so each row's sum takes the same terms in the same order as one add per cell.
        /// </summary>
        private void LogOddsOfSixteenRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<double> values, double bias, Span<double> z)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(rows);
            ReadOnlySpan<double> abstain = values[..m];
            ReadOnlySpan<double> zero = values.Slice(m, m);
            ReadOnlySpan<double> one = values.Slice(2 * m, m);
            Vector512<double> low = Vector512.Create(bias);
            Vector512<double> high = low;
            int j = 0;
            for (; j + 8 <= m; j += 8)
            {
                // Eight functions' votes of each row, one row per lane; function j + t is byte t of the lane.
                Vector512<long> lowVotes = Gather(bytes, j);
                Vector512<long> highVotes = Gather(bytes, (8 * m) + j);
                for (int t = 0; t < 8; t++)
                {
                    Vector512<double> whenAbstain = Vector512.Create(abstain[j + t]);
                    Vector512<double> whenZero = Vector512.Create(zero[j + t]);
                    Vector512<double> whenOne = Vector512.Create(one[j + t]);
                    Vector512<long> lowVote = Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(lowVotes, 56 - (8 * t)), 56);
                    Vector512<long> highVote = Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(highVotes, 56 - (8 * t)), 56);
                    low += Pick(lowVote, whenAbstain, whenZero, whenOne);
                    high += Pick(highVote, whenAbstain, whenZero, whenOne);
                }
            }

            low.CopyTo(z);
            high.CopyTo(z[8..]);
            for (int b = 0; b < WideBlock; b++)
            {
                AddLogOdds(rows.Slice(b * m, m), j, values, ref z[b]);
            }

            Vector512<long> Gather(ReadOnlySpan<byte> bytes, int at) => Vector512.Create(
                MemoryMarshal.Read<long>(bytes[at..]),
                MemoryMarshal.Read<long>(bytes[(at + m)..]),
                MemoryMarshal.Read<long>(bytes[(at + (2 * m))..]),
                MemoryMarshal.Read<long>(bytes[(at + (3 * m))..]),
                MemoryMarshal.Read<long>(bytes[(at + (4 * m))..]),
                MemoryMarshal.Read<long>(bytes[(at + (5 * m))..]),
                MemoryMarshal.Read<long>(bytes[(at + (6 * m))..]),
                MemoryMarshal.Read<long>(bytes[(at + (7 * m))..]));

            static Vector512<double> Pick(Vector512<long> vote, Vector512<double> whenAbstain, Vector512<double> whenZero, Vector512<double> whenOne) =>
                Vector512.ConditionalSelect(
                    Vector512.Equals(vote, Vector512<long>.One).AsDouble(),
                    whenOne,
                    Vector512.ConditionalSelect(Vector512.Equals(vote, Vector512<long>.Zero).AsDouble(), whenZero, whenAbstain));
        }

        /// <summary>Adds each row's weight to the count of each function's outcome in that row (counts by outcome, then function): through masks, eight functions at a time.</summary>
        /// <remarks>A row's weight is added only in the lanes of its outcome, and each count takes the rows in order, so every count takes the same terms in the same order as one add per cell.</remarks>
        private void AddOutcomeCounts(ReadOnlySpan<sbyte> rows, ReadOnlySpan<double> weights, Span<double> counts)
        {
            int j = 0;
            Span<double> abstain = counts[..m];
            Span<double> zero = counts.Slice(m, m);
            Span<double> one = counts.Slice(2 * m, m);
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(rows);
            for (; j + 8 <= m; j += 8)
            {
                Vector512<double> a = Vector512.Create<double>(abstain[j..]);
                Vector512<double> z = Vector512.Create<double>(zero[j..]);
                Vector512<double> o = Vector512.Create<double>(one[j..]);
                for (int b = 0, at = j; b < weights.Length; b++, at += m)
                {
                    Vector512<long> votes = Avx512F.ConvertToVector512Int64(Vector128.CreateScalarUnsafe(MemoryMarshal.Read<long>(bytes[at..])).AsSByte());
                    Vector512<double> q = Vector512.Create(weights[b]);
                    a = Vector512.ConditionalSelect(Vector512.Equals(votes, Vector512<long>.AllBitsSet).AsDouble(), a + q, a);
                    z = Vector512.ConditionalSelect(Vector512.Equals(votes, Vector512<long>.Zero).AsDouble(), z + q, z);
                    o = Vector512.ConditionalSelect(Vector512.Equals(votes, Vector512<long>.One).AsDouble(), o + q, o);
                }

                a.CopyTo(abstain[j..]);
                z.CopyTo(zero[j..]);
                o.CopyTo(one[j..]);
            }

            for (int b = 0; b < weights.Length; b++)
            {
                ReadOnlySpan<sbyte> row = rows.Slice(b * m, m);
                for (int t = j; t < m; t++)
                {
                    counts[((row[t] + 1) * m) + t] += weights[b];
                }
            }
        }
    }
}
