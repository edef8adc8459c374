using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alchemist;

/// <summary>
/// Two rows side by side in the paired kernels: each layer runs on one row, then on the other, so that the processor
/// computes the second row's entries while the first row's layer ends (its row sum, row mean and next row term form a
/// chain of dependent operations that no entry of the same row can overlap). Each row's values come from the same
/// operations in the same order as row by row, and the column sums receive the first row's entries before the second's.
/// </summary>
internal sealed partial class HyperPass
{
    /// <summary>Adds the layer-<paramref name="layer"/> inputs (outputs of layers 0..layer-1) of rows <paramref name="start"/> to <paramref name="end"/> to the block's 8-wide float column sums, entry by entry in row order, two rows at a time.</summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="entries">The matrix's entries listed once, read instead of its rows when given.</param>
    /// <param name="layer">The layer whose input is summed, at least 1.</param>
    /// <param name="start">The first row.</param>
    /// <param name="end">The row after the last.</param>
    /// <param name="blockSums">The block's sums, <c>8 FunctionCount</c> floats.</param>
    /// <param name="scratchA">Buffers of at least <see cref="ScratchLength"/> floats for the first row of a pair.</param>
    /// <param name="scratchB">Others for the second.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddPairedRowsToColumns(LabelMatrix matrix, HyperEntries? entries, int layer, int start, int end, float[] blockSums, float[] scratchA, float[] scratchB)
    {
        var a = new RowWork(scratchA, FunctionCount);
        var b = new RowWork(scratchB, FunctionCount);
        int i = start;
        while (true)
        {
            // The next two rows with entries, in order; rows without entries add nothing.
            a.Count = 0;
            while (i < end && (a.Count = GatherRow(matrix, entries, i++, ref a)) == 0)
            {
            }

            if (a.Count == 0)
            {
                return;
            }

            b.Count = 0;
            while (i < end && (b.Count = GatherRow(matrix, entries, i++, ref b)) == 0)
            {
            }

            if (b.Count == 0)
            {
                Span<float> single = EmbedPaired(layer, a.Columns, a.Values, a.Count, a.ValueSum, a.First, a.Second, out _);
                AddPairedToColumns(a.Columns[..a.Count], single, blockSums);
                return;
            }

            EmbedPairedTwo(layer, ref a, ref b);
            AddPairedToColumns(a.Columns[..a.Count], a.Output, blockSums);
            AddPairedToColumns(b.Columns[..b.Count], b.Output, blockSums);
        }
    }

    /// <summary>Computes the pass's outputs for rows <paramref name="rowA"/> and <paramref name="rowB"/> of the entries it was fitted on: the values of <see cref="Predict(HyperEntries, int, Span{float})"/> of each row.</summary>
    /// <param name="entries">The fitted matrix's entries.</param>
    /// <param name="rowA">One row.</param>
    /// <param name="rowB">Another.</param>
    /// <param name="scratchA">Buffers of at least <see cref="ScratchLength"/> floats.</param>
    /// <param name="scratchB">Others, as long.</param>
    /// <param name="outputA">Receives the output of <paramref name="rowA"/>.</param>
    /// <param name="outputB">Receives the output of <paramref name="rowB"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PredictTwo(HyperEntries entries, int rowA, int rowB, Span<float> scratchA, Span<float> scratchB, out float outputA, out float outputB)
    {
        if (!_paired)
        {
            outputA = Predict(entries, rowA, scratchA);
            outputB = Predict(entries, rowB, scratchB);
            return;
        }

        int length = ScratchLength(FunctionCount);
        if (scratchA.Length < length || scratchB.Length < length)
        {
            throw new ArgumentException($"The pass was fitted on {FunctionCount} functions; {scratchA.Length} and {scratchB.Length} scratch values were given.", nameof(scratchA));
        }

        var a = new RowWork(scratchA, FunctionCount);
        var b = new RowWork(scratchB, FunctionCount);
        a.Count = entries.Gather(rowA, PositiveVote, a.Columns, a.Values, out a.ValueSum);
        b.Count = entries.Gather(rowB, PositiveVote, b.Columns, b.Values, out b.ValueSum);
        if (a.Count == 0 || b.Count == 0)
        {
            outputA = PredictGathered(a.Columns, a.Values, a.Count, a.ValueSum, scratchA);
            outputB = PredictGathered(b.Columns, b.Values, b.Count, b.ValueSum, scratchB);
            return;
        }

        EmbedPairedTwo(3, ref a, ref b);
        Span<float> embeddingA = stackalloc float[HyperNetwork.EmbeddingWidth];
        Span<float> embeddingB = stackalloc float[HyperNetwork.EmbeddingWidth];
        FinalLayerPaired(a.Columns[..a.Count], a.Output, a.RowSum, embeddingA);
        FinalLayerPaired(b.Columns[..b.Count], b.Output, b.RowSum, embeddingB);
        _network.ClassifyEmbeddings(embeddingA, embeddingB, out outputA, out outputB);
    }

    /// <summary>Lists row <paramref name="row"/>'s entries into <paramref name="work"/>'s buffers, from the entry list when given, from the matrix otherwise; returns their number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GatherRow(LabelMatrix matrix, HyperEntries? entries, int row, ref RowWork work) =>
        entries is null
            ? Gather(matrix.GetRow(row), work.Columns, work.Values, out work.ValueSum)
            : entries.Gather(row, PositiveVote, work.Columns, work.Values, out work.ValueSum);

    /// <summary>Runs layers 1..<paramref name="depth"/> on two rows' gathered entries, each layer on one row and then on the other (<see cref="EmbedPaired"/> of each row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmbedPairedTwo(int depth, ref RowWork a, ref RowWork b)
    {
        a.RowSum = FirstOfRow(ref a);
        b.RowSum = FirstOfRow(ref b);
        for (int layer = 1; layer < depth; layer++)
        {
            bool odd = layer % 2 == 1;
            a.RowSum = MiddleLayerPaired(layer, a.Columns, a.Count, odd ? a.First : a.Second, odd ? a.Second : a.First, a.RowSum);
            b.RowSum = MiddleLayerPaired(layer, b.Columns, b.Count, odd ? b.First : b.Second, odd ? b.Second : b.First, b.RowSum);
        }

        a.Output = depth % 2 == 1 ? a.First : a.Second;
        b.Output = depth % 2 == 1 ? b.First : b.Second;
    }

    /// <summary>Checks a row's buffers, sets its spare entry (column 0, value 0) and runs the first layer, as <see cref="EmbedPaired"/> does.</summary>
    private Vector512<float> FirstOfRow(ref RowWork work)
    {
        int count = work.Count;
        int length = 8 * (count + 1);
        if (count < 1 || work.Columns.Length <= count || work.Values.Length <= count || work.First.Length < length || work.Second.Length < length)
        {
            throw new ArgumentException("The entry buffers are shorter than the row and its spare entry.", nameof(work));
        }

        work.Columns[count] = 0;
        work.Values[count] = 0;
        return FirstLayerPaired(work.Columns, work.Values, count, work.ValueSum, work.First);
    }

    /// <summary>One row's buffers (the layout of <see cref="ScratchLength"/>: columns, values, then two embedding buffers) and its state between layers.</summary>
    private ref struct RowWork
    {
        /// <summary>The entries' columns, with room for the spare entry.</summary>
        public Span<int> Columns;

        /// <summary>The entries' values, with room for the spare entry.</summary>
        public Span<float> Values;

        /// <summary>The buffer of the odd layers' outputs.</summary>
        public Span<float> First;

        /// <summary>The buffer of the even layers' outputs.</summary>
        public Span<float> Second;

        /// <summary>The last layer's outputs (one of the two buffers).</summary>
        public Span<float> Output;

        /// <summary>The number of entries.</summary>
        public int Count;

        /// <summary>The sum of the entries' values.</summary>
        public int ValueSum;

        /// <summary>The sum over the row of the last layer's outputs, interleaved.</summary>
        public Vector512<float> RowSum;

        public RowWork(Span<float> scratch, int functionCount)
        {
            int c = functionCount + 1;
            Columns = MemoryMarshal.Cast<float, int>(scratch[..c]);
            Values = scratch.Slice(c, c);
            First = scratch.Slice(2 * c, 8 * c);
            Second = scratch.Slice(10 * c, 8 * c);
            Output = default;
            Count = 0;
            ValueSum = 0;
            RowSum = default;
        }
    }
}
