using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Alchemist;

internal static partial class DawidSkeneEstimator
{
    /// <summary>The M-step counts of one stripe: for each (function, outcome, class), the posterior weight of the rows with that outcome.</summary>
    private sealed class Accumulator(int m, int k)
    {
        /// <summary>The number of rows whose log-odds sums the binary pass interleaves, and whose posteriors it adds to the counts together.</summary>
        private const int BinaryBlock = 16;

        private readonly int _stride = (k + 1) * k;

        // Two classes: the counts by class, outcome (abstain, 0, 1) and function, contiguous in the function so that a
        // row adds to them eight functions at a time; moved into Counts when the stripe's pass ends (Finish). The
        // binary pass fills class 1's only; the initial pass both.
        private double[]? _dense;
        private int _denseFirstClass = -1;

        public double[] Counts { get; } = new double[m * (k + 1) * k];

        public double[] ClassMass { get; } = new double[k];

        public double Weight { get; private set; }

        /// <summary>Gets a value indicating whether only class 1's counts were kept (the binary pass).</summary>
        public bool BinaryOnly { get; private set; }

        public void Clear()
        {
            Array.Clear(Counts);
            Array.Clear(ClassMass);
            Weight = 0;
            BinaryOnly = false;
            _denseFirstClass = -1;
            if (_dense is not null)
            {
                Array.Clear(_dense);
            }
        }

        /// <summary>Completes the stripe's counts after its last rows.</summary>
        public void Finish()
        {
            if (_denseFirstClass < 0)
            {
                return;
            }

            double[] dense = _dense!;
            for (int c = _denseFirstClass; c < 2; c++)
            {
                for (int o = 0; o <= 2; o++)
                {
                    ReadOnlySpan<double> outcome = dense.AsSpan(((c * 3) + o) * m, m);
                    for (int j = 0; j < m; j++)
                    {
                        Counts[(j * 6) + (o * 2) + c] = outcome[j];
                    }
                }
            }
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

            Weight += other.Weight;
            BinaryOnly = other.BinaryOnly;
        }

        public void AddInitialRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, double[] balance)
        {
            if (k == 2)
            {
                AddInitialBinaryRows(rows, weights, balance);
                return;
            }

            Span<double> q = stackalloc double[k];
            for (int r = 0, at = 0; at < rows.Length; r++, at += m)
            {
                ReadOnlySpan<sbyte> row = rows.Slice(at, m);
                if (MajorityVoteLabelModel.HasVotes(row))
                {
                    MajorityVoteLabelModel.VoteShares(row, q);
                }
                else
                {
                    balance.CopyTo(q);
                }

                AddPosterior(row, weights.IsEmpty ? 1 : weights[r], q);
            }
        }

        public void AddRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, VoteLogTable table)
        {
            Span<double> q = stackalloc double[k];
            for (int r = 0, at = 0; at < rows.Length; r++, at += m)
            {
                ReadOnlySpan<sbyte> row = rows.Slice(at, m);
                table.Predict(row, q);
                AddPosterior(row, weights.IsEmpty ? 1 : weights[r], q);
            }
        }

        public void AddBinaryRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, VoteLogTable table)
        {
            // Class 1's log-odds per (outcome, function); then, per row, the sum of its cells' log-odds, and the posterior
            // added to each cell's outcome count. The sums of several rows run in separate chains (with AVX-512, one row
            // per vector lane, the log-odds picked through masks), so their adds overlap, and a block's posteriors are
            // added to the counts together. Every row's sum and every count takes the same terms in the same order as
            // one gather and one add per cell, so the result is the same to the bit.
            BinaryOnly = true;
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
            Span<double> z = stackalloc double[BinaryBlock];
            Span<double> q1 = stackalloc double[BinaryBlock];
            Span<double> counts = dense.AsSpan(3 * m, 3 * m);
            double mass = 0, weight = 0;
            int rowCount = rows.Length / m;
            for (int r = 0; r < rowCount; r += BinaryBlock)
            {
                int block = Math.Min(BinaryBlock, rowCount - r);
                ReadOnlySpan<sbyte> blockRows = rows.Slice(r * m, block * m);
                if (Avx512F.IsSupported && block == BinaryBlock)
                {
                    LogOddsOfSixteenRows(blockRows, odds, bias, z);
                }
                else
                {
                    int b = 0;
                    for (; b + 4 <= block; b += 4)
                    {
                        LogOddsOfFourRows(blockRows.Slice(b * m, 4 * m), odds, bias, z[b..]);
                    }

                    for (; b < block; b++)
                    {
                        z[b] = LogOdds(blockRows.Slice(b * m, m), odds, bias);
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

        /// <summary>The initial pass for two classes: as <see cref="AddPosterior"/> with the vote shares, into the dense counts, a block of rows at a time.</summary>
        private void AddInitialBinaryRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<long> weights, double[] balance)
        {
            _denseFirstClass = 0;
            double[] dense = _dense ??= new double[6 * m];
            Span<double> q = stackalloc double[2];
            Span<double> q0 = stackalloc double[BinaryBlock];
            Span<double> q1 = stackalloc double[BinaryBlock];
            int rowCount = rows.Length / m;
            for (int r = 0; r < rowCount; r += BinaryBlock)
            {
                int block = Math.Min(BinaryBlock, rowCount - r);
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

        /// <summary>Sums the bias and, for each function, its value in <paramref name="values"/> (by outcome, then function) for the row's outcome.</summary>
        private double LogOdds(ReadOnlySpan<sbyte> row, ReadOnlySpan<double> values, double bias)
        {
            double z = bias;
            for (int j = 0; j < row.Length; j++)
            {
                z += values[((row[j] + 1) * m) + j];
            }

            return z;
        }

        /// <summary>As <see cref="LogOdds"/> for four rows, whose sums run in separate chains.</summary>
        private void LogOddsOfFourRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<double> values, double bias, Span<double> z)
        {
            ReadOnlySpan<sbyte> row0 = rows[..m];
            ReadOnlySpan<sbyte> row1 = rows.Slice(m, m);
            ReadOnlySpan<sbyte> row2 = rows.Slice(2 * m, m);
            ReadOnlySpan<sbyte> row3 = rows.Slice(3 * m, m);
            double z0 = bias, z1 = bias, z2 = bias, z3 = bias;
            for (int j = 0; j < row0.Length; j++)
            {
                z0 += values[((row0[j] + 1) * m) + j];
                z1 += values[((row1[j] + 1) * m) + j];
                z2 += values[((row2[j] + 1) * m) + j];
                z3 += values[((row3[j] + 1) * m) + j];
            }

            z[0] = z0;
            z[1] = z1;
            z[2] = z2;
            z[3] = z3;
        }

        /// <summary>
        /// As <see cref="LogOdds"/> for sixteen rows, one row per lane of two AVX-512 vectors: per function, each lane
        /// picks the value of its row's outcome and adds it to its own sum, so each row's sum takes the same terms in
        /// the same order as one add per cell.
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
            for (int b = 0; b < 16; b++)
            {
                ReadOnlySpan<sbyte> row = rows.Slice(b * m, m);
                for (int t = j; t < m; t++)
                {
                    z[b] += values[((row[t] + 1) * m) + t];
                }
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

        /// <summary>Adds each row's weight to the count of each function's outcome in that row (counts by outcome, then function): through masks, eight functions at a time, where AVX-512 allows.</summary>
        /// <remarks>A masked-out lane adds +0, which leaves a count unchanged, and each count takes the rows in order, so every count takes the same terms in the same order as one add per cell.</remarks>
        private void AddOutcomeCounts(ReadOnlySpan<sbyte> rows, ReadOnlySpan<double> weights, Span<double> counts)
        {
            int j = 0;
            if (Avx512F.IsSupported)
            {
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

        private void AddPosterior(ReadOnlySpan<sbyte> row, double w, Span<double> q)
        {
            double[] counts = Counts;
            if (k == 2)
            {
                double q0 = w * q[0], q1 = w * q[1];
                ClassMass[0] += q0;
                ClassMass[1] += q1;
                Weight += w;
                for (int j = 0, o = 2; j < row.Length; j++, o += 6)
                {
                    int at = o + (2 * row[j]);
                    counts[at] += q0;
                    counts[at + 1] += q1;
                }

                return;
            }

            for (int c = 0; c < k; c++)
            {
                q[c] *= w;
                ClassMass[c] += q[c];
            }

            Weight += w;
            for (int j = 0, at = 0; j < row.Length; j++, at += _stride)
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
