namespace Alchemist;

internal static partial class DawidSkeneEstimator
{
    /// <summary>The M-step counts of one stripe: for each (function, outcome, class), the posterior weight of the rows with that outcome.</summary>
    private sealed class Accumulator(int m, int k)
    {
        private readonly int _stride = (k + 1) * k;

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
            // Class 1's log-odds per (function, outcome), then one gather per cell for the E-step and one add for the
            // M-step: branch-free, which beats visiting only the votes through bitmasks.
            BinaryOnly = true;
            Span<double> odds = m * 3 <= 1024 ? stackalloc double[m * 3] : new double[m * 3];
            double[] t = table.Table;
            for (int i = 0; i < odds.Length; i++)
            {
                odds[i] = t[(2 * i) + 1] - t[2 * i];
            }

            double bias = table.Bias[1] - table.Bias[0];
            double[] counts = Counts;
            double mass = 0, weight = 0;
            for (int r = 0, at = 0; at < rows.Length; r++, at += m)
            {
                ReadOnlySpan<sbyte> row = rows.Slice(at, m);
                double z = bias;
                for (int j = 0, o = 1; j < row.Length; j++, o += 3)
                {
                    z += odds[o + row[j]];
                }

                double w = weights.IsEmpty ? 1 : weights[r];
                double q1 = w / (1 + Math.Exp(-z));
                mass += q1;
                weight += w;
                for (int j = 0, o = 3; j < row.Length; j++, o += 6)
                {
                    counts[o + (2 * row[j])] += q1;
                }
            }

            ClassMass[1] += mass;
            Weight += weight;
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
