using System.Runtime.Intrinsics.X86;

namespace Alchemist;

internal static partial class DawidSkeneEstimator
{
    /// <summary>The M-step counts of one stripe: for each (function, outcome, class), the posterior weight of the rows with that outcome.</summary>
    private sealed partial class Accumulator(int m, int k)
    {
        /// <summary>The fewest functions for which a pass handles several rows at once; on shorter rows the bookkeeping costs more than it saves.</summary>
        private const int WideRow = 32;

        private readonly int _stride = (k + 1) * k;

        // Two classes and a few dozen functions or more, on AVX-512: the passes take the wide kernels
        // (DawidSkeneEstimator.Wide.cs), which keep the counts by class, outcome (abstain, 0, 1) and function,
        // contiguous in the function so that a row adds to them eight functions at a time, and move them into Counts
        // when the stripe's pass ends (Finish). The binary pass fills class 1's only; the initial pass both.
        private readonly bool _wide = Avx512F.IsSupported && k == 2 && m >= WideRow;
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
            if (_wide)
            {
                AddWideInitialRows(rows, weights, balance);
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
            BinaryOnly = true;
            if (_wide)
            {
                AddWideBinaryRows(rows, weights, table);
                return;
            }

            // Class 1's log-odds per (function, outcome), then one gather per cell for the E-step and one add for the
            // M-step: branch-free, which beats visiting only the votes through bitmasks. On wide rows the E-step sums
            // four rows at once, each in its own chain, so the adds overlap instead of waiting on each other; every
            // row's sum and every count still takes its terms in the same order, so the result is the same to the bit.
            Span<double> odds = m * 3 <= 1024 ? stackalloc double[m * 3] : new double[m * 3];
            double[] t = table.Table;
            for (int i = 0; i < odds.Length; i++)
            {
                odds[i] = t[(2 * i) + 1] - t[2 * i];
            }

            double bias = table.Bias[1] - table.Bias[0];
            Span<double> z = stackalloc double[4];
            double[] counts = Counts;
            double mass = 0, weight = 0;
            int rowCount = rows.Length / m;
            for (int r = 0; r < rowCount; r += 4)
            {
                int block = Math.Min(4, rowCount - r);
                ReadOnlySpan<sbyte> blockRows = rows.Slice(r * m, block * m);
                if (block == 4 && m >= WideRow)
                {
                    LogOddsOfFourRows(blockRows, odds, bias, z);
                }
                else
                {
                    for (int b = 0; b < block; b++)
                    {
                        z[b] = LogOdds(blockRows.Slice(b * m, m), odds, bias);
                    }
                }

                for (int b = 0; b < block; b++)
                {
                    double w = weights.IsEmpty ? 1 : weights[r + b];
                    double q1 = w / (1 + Math.Exp(-z[b]));
                    mass += q1;
                    weight += w;
                    ReadOnlySpan<sbyte> row = blockRows.Slice(b * m, m);
                    for (int j = 0, o = 3; j < row.Length; j++, o += 6)
                    {
                        counts[o + (2 * row[j])] += q1;
                    }
                }
            }

            ClassMass[1] += mass;
            Weight += weight;
        }

        /// <summary>Sums the bias and the log-odds of each function's outcome (by function, then outcome).</summary>
        private static double LogOdds(ReadOnlySpan<sbyte> row, ReadOnlySpan<double> odds, double bias)
        {
            double z = bias;
            for (int j = 0, o = 1; j < row.Length; j++, o += 3)
            {
                z += odds[o + row[j]];
            }

            return z;
        }

        /// <summary>As <see cref="LogOdds"/> for four rows, whose sums run in separate chains.</summary>
        private void LogOddsOfFourRows(ReadOnlySpan<sbyte> rows, ReadOnlySpan<double> odds, double bias, Span<double> z)
        {
            ReadOnlySpan<sbyte> row0 = rows[..m];
            ReadOnlySpan<sbyte> row1 = rows.Slice(m, m);
            ReadOnlySpan<sbyte> row2 = rows.Slice(2 * m, m);
            ReadOnlySpan<sbyte> row3 = rows.Slice(3 * m, m);
            double z0 = bias, z1 = bias, z2 = bias, z3 = bias;
            for (int j = 0, o = 1; j < row0.Length; j++, o += 3)
            {
                z0 += odds[o + row0[j]];
                z1 += odds[o + row1[j]];
                z2 += odds[o + row2[j]];
                z3 += odds[o + row3[j]];
            }

            z[0] = z0;
            z[1] = z1;
            z[2] = z2;
            z[3] = z3;
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
