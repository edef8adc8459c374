using System.Buffers;
using System.Runtime.CompilerServices;

namespace Alchemist;

/// <summary>
/// The hyper label model fitted on one matrix: one <see cref="HyperPass"/> per class pass (one for a binary task, one
/// per class otherwise) and the calibration range of the matrix's uncalibrated probabilities.
/// </summary>
internal sealed class HyperState
{
    /// <summary>The widest row predicted with stack buffers; wider rows rent their buffers.</summary>
    private const int StackFunctionLimit = 128;

    /// <summary>The rows of one parallel block of prediction.</summary>
    private const int BlockRows = 4096;

    /// <summary>The fitted matrix's distinct rows, when the fit grouped them.</summary>
    private readonly DistinctRowTable? _rows;

    /// <summary>The uncalibrated probabilities of the distinct rows, <c>K</c> per row.</summary>
    private readonly double[]? _rowValues;

    /// <summary>When the fit read every row and was asked to keep them, the fitted matrix's uncalibrated probabilities, <c>K</c> per item.</summary>
    private readonly double[]? _itemValues;

    private HyperState(HyperPass[] passes, DistinctRowTable? rows, double[]? rowValues, double[]? itemValues = null)
    {
        Passes = passes;
        _rows = rows;
        _rowValues = rowValues;
        _itemValues = itemValues;
    }

    /// <summary>Gets the class passes.</summary>
    public HyperPass[] Passes { get; }

    /// <summary>Gets a value indicating whether the fit grouped the matrix's repeated rows: then its prediction of the fitted matrix is each item's row predicted alone (<see cref="PredictUncalibratedRow(ReadOnlySpan{sbyte}, Span{double})"/>), bit for bit.</summary>
    public bool GroupsRows => _rows is not null;

    /// <summary>Gets the largest uncalibrated probability above the tie <c>1/K</c> on the fitted matrix, or NaN when none is above.</summary>
    public double High { get; private init; } = double.NaN;

    /// <summary>Gets the smallest uncalibrated probability below the tie on the fitted matrix, or NaN when none is below.</summary>
    public double Low { get; private init; } = double.NaN;

    /// <summary>Fits the passes on a matrix and writes its uncalibrated probabilities, row by row, into <paramref name="values"/>.</summary>
    /// <remarks>
    /// When the matrix's rows repeat (real labeling functions give few distinct vote patterns), each distinct row is
    /// computed once, in the fit's column passes and in its prediction, and the state keeps the distinct rows'
    /// probabilities (no per-item array) to predict the fitted matrix again by looking each item's row up.
    /// </remarks>
    /// <param name="matrix">The matrix.</param>
    /// <param name="values">
    /// Receives the uncalibrated probabilities, <c>K</c> per row; or <see langword="null"/> when the caller does not want
    /// them: the grouped rows are then predicted alone, and only rows that do not repeat are predicted into a new array
    /// (which <paramref name="keepValues"/> keeps).
    /// </param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <param name="groupRows">Whether repeated rows are computed once (when they repeat enough); <see langword="false"/> reads every row, as tests compare.</param>
    /// <param name="paired">Whether to run the AVX-512 kernels; by default when the machine has them (<see cref="HyperPass.PairedSupported"/>). Tests compare both.</param>
    /// <param name="keepValues">
    /// Whether the state keeps <paramref name="values"/> (when the rows were not grouped) to predict the fitted matrix
    /// again by a copy; the caller then must not change the array. Off by default: callers that only want the values
    /// pass their own buffers.
    /// </param>
    /// <param name="listEntries">Whether rows that are not grouped are read from their entries listed once (<see cref="HyperEntries"/>, by default) or from the matrix each time, as tests compare.</param>
    /// <param name="twoRows">Whether the paired kernels compute two rows side by side (<c>HyperPass.TwoRows.cs</c>, by default) or one at a time, as tests compare.</param>
    /// <param name="networks">The network of each class pass (one for a binary task, <c>K</c> otherwise), such as networks fine-tuned on dev labels; by default the pretrained one for every pass.</param>
    public static HyperState Fit(LabelMatrix matrix, double[]? values, CancellationToken cancellationToken, bool groupRows = true, bool? paired = null, bool keepValues = false, bool? listEntries = null, bool twoRows = true, HyperNetwork[]? networks = null)
    {
        bool usePaired = paired ?? HyperPass.PairedSupported;
        int k = matrix.ClassCount;
        // Each item's distinct row is recorded only when the caller wants every item's values (4 bytes an item, dropped
        // once they are written).
        int[]? rowOfItem = null;
        DistinctRowTable? rows = !groupRows ? null
            : values is null ? DistinctRowTable.BuildIfCompact(matrix)
            : DistinctRowTable.BuildIfCompact(matrix, out rowOfItem);

        // Rows that do not repeat are read once per layer and class pass and once more to predict: their entries are
        // listed once, when asked (by default), and read from that list.
        HyperEntries? entries = rows is null && (listEntries ?? true) ? HyperEntries.Build(matrix, cancellationToken) : null;
        var passes = new HyperPass[k == 2 ? 1 : k];
        for (int c = 0; c < passes.Length; c++)
        {
            passes[c] = HyperPass.Fit(networks?[c] ?? HyperNetwork.Pretrained, matrix, rows, entries, (sbyte)(k == 2 ? 1 : c), usePaired, cancellationToken, twoRows);
        }

        double high, low;
        double[]? rowValues = null;
        if (rows is null)
        {
            values ??= new double[(long)matrix.ItemCount * k];
            (high, low) = new HyperState(passes, null, null).PredictRows(matrix.ItemCount, matrix.GetRow, entries, values, cancellationToken, twoRows);
        }
        else
        {
            rowValues = new double[(long)rows.Count * k];
            (high, low) = new HyperState(passes, null, null).PredictRows(rows.Count, rows.GetRow, null, rowValues, cancellationToken);
        }

        // Without a single vote every row is the empty row's output, and the reference has no matrix to run on;
        // stretching that one value to 2/K would turn a shrug into certainty, so such a matrix stays uncalibrated.
        double[]? itemValues = rows is null && keepValues ? values : null;
        HyperState state = passes[0].EntryCount == 0
            ? new HyperState(passes, rows, rowValues, itemValues)
            : new HyperState(passes, rows, rowValues, itemValues) { High = high, Low = low };
        if (rows is not null && values is not null)
        {
            // A copy per item from its distinct row, which the table's build recorded: no row is read or hashed again.
            for (int i = 0; i < rowOfItem!.Length; i++)
            {
                rowValues!.AsSpan(rowOfItem[i] * k, k).CopyTo(values.AsSpan(i * k, k));
            }
        }

        return state;
    }

    /// <summary>Fits the passes on a matrix's distinct rows alone, weighted by their counts (merged statistics of partitions): the same state, bit for bit, as <see cref="Fit(LabelMatrix, double[], CancellationToken, bool, bool?, bool, bool?, bool, HyperNetwork[])"/> on a matrix whose grouped rows, in order, these are.</summary>
    /// <param name="rows">The distinct rows, in order of first occurrence, with their counts.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <param name="networks">The network of each class pass, or <see langword="null"/> for the pretrained one.</param>
    public static HyperState Fit(DistinctRowTable rows, int classCount, CancellationToken cancellationToken, HyperNetwork[]? networks = null)
    {
        int k = classCount;
        var passes = new HyperPass[k == 2 ? 1 : k];
        for (int c = 0; c < passes.Length; c++)
        {
            passes[c] = HyperPass.Fit(networks?[c] ?? HyperNetwork.Pretrained, rows, (sbyte)(k == 2 ? 1 : c), HyperPass.PairedSupported, cancellationToken);
        }

        var rowValues = new double[(long)rows.Count * k];
        (double high, double low) = new HyperState(passes, null, null).PredictRows(rows.Count, rows.GetRow, null, rowValues, cancellationToken);
        return passes[0].EntryCount == 0
            ? new HyperState(passes, rows, rowValues)
            : new HyperState(passes, rows, rowValues) { High = high, Low = low };
    }

    /// <summary>Writes the uncalibrated probabilities of every row of the fitted matrix (each item's distinct row found by its votes when the fit grouped them, as a copy of the fit's values when it kept those), and returns their range on either side of the tie (NaN for a side without values).</summary>
    /// <param name="matrix">The fitted matrix (when the fit grouped its rows or kept its values, it must be that matrix: its items are mapped to their values by their votes or by index).</param>
    /// <param name="values">Receives the uncalibrated probabilities, <c>K</c> per row.</param>
    /// <param name="cancellationToken">Cancels the prediction.</param>
    public (double High, double Low) PredictUncalibrated(LabelMatrix matrix, double[] values, CancellationToken cancellationToken)
    {
        if (_itemValues is not null)
        {
            if (matrix.ItemCount * (long)matrix.ClassCount != _itemValues.Length || matrix.FunctionCount != Passes[0].FunctionCount)
            {
                throw new InvalidOperationException($"The state was fitted on {_itemValues.Length / matrix.ClassCount} items of {Passes[0].FunctionCount} functions, not on this matrix of {matrix.ItemCount} x {matrix.FunctionCount}; predict it as another matrix.");
            }

            // The fit predicted every row of this matrix with these passes: the same values, copied.
            _itemValues.CopyTo(values.AsSpan());
            return (High, Low);
        }

        if (_rows is null || _rowValues is null)
        {
            return PredictRows(matrix.ItemCount, matrix.GetRow, null, values, cancellationToken);
        }

        int k = matrix.ClassCount;
        double[] rowValues = _rowValues;
        ForEachItemRow(matrix, (first, rows) =>
        {
            for (int t = 0; t < rows.Length; t++)
            {
                rowValues.AsSpan(rows[t] * k, k).CopyTo(values.AsSpan((first + t) * k, k));
            }
        }, cancellationToken);
        return (High, Low);
    }

    /// <summary>
    /// Computes the mean of the fitted matrix's calibrated probabilities (its class balance): when the fit kept every
    /// item's values, each item's calibrated values divided by the item count and added in item order; when it grouped
    /// the rows, as <see cref="GroupedClassBalance"/> (each distinct row once, times its count, in row order), with no
    /// per-item array.
    /// </summary>
    /// <param name="matrix">The fitted matrix.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    public double[] ClassBalance(LabelMatrix matrix, CancellationToken cancellationToken)
    {
        int k = matrix.ClassCount;
        int n = matrix.ItemCount;
        var balance = new double[k];
        if (_rows is null || _rowValues is null)
        {
            double[] values = _itemValues ?? throw new InvalidOperationException("The state kept neither the fitted matrix's values nor its distinct rows.");
            Span<double> row = stackalloc double[k];
            for (int i = 0; i < n; i++)
            {
                values.AsSpan(i * k, k).CopyTo(row);
                Calibrate(row);
                for (int c = 0; c < k; c++)
                {
                    balance[c] += row[c] / n;
                }
            }

            return balance;
        }

        if (matrix.FunctionCount != _rows.Width || matrix.ItemCount != _rows.TotalWeight)
        {
            throw new InvalidOperationException($"The state was fitted on {_rows.TotalWeight} items of {_rows.Width} functions, not on this matrix of {matrix.ItemCount} x {matrix.FunctionCount}.");
        }

        return GroupedClassBalance(k);
    }

    /// <summary>
    /// Computes the mean of the fitted rows' calibrated probabilities (the class balance) when the fit grouped the rows:
    /// each distinct row calibrated once, times its count, divided by the item count and added in row order (order of
    /// first occurrence), so that a fit on a matrix and a fit on its merged partitions' rows
    /// (<see cref="Fit(DistinctRowTable, int, CancellationToken, HyperNetwork[])"/>) give the same sums, bit for bit.
    /// </summary>
    public double[] GroupedClassBalance(int classCount)
    {
        DistinctRowTable rows = _rows ?? throw new InvalidOperationException("The fit did not group the rows.");
        int k = classCount;
        double n = rows.TotalWeight;
        var balance = new double[k];
        Span<double> row = stackalloc double[k];
        for (int r = 0; r < rows.Count; r++)
        {
            _rowValues.AsSpan(r * k, k).CopyTo(row);
            Calibrate(row);
            long weight = rows.GetWeight(r);
            for (int c = 0; c < k; c++)
            {
                balance[c] += row[c] * weight / n;
            }
        }

        return balance;
    }

    /// <summary>
    /// Finds each item's distinct row by its votes, a window of items at a time (the window's lookups in parallel), and
    /// hands each window's first item and row indices to <paramref name="window"/>, one window after the other in item
    /// order; the indices need 256 KB whatever the item count.
    /// </summary>
    private void ForEachItemRow(LabelMatrix matrix, ItemRowsAction window, CancellationToken cancellationToken)
    {
        DistinctRowTable rows = _rows!;
        if (matrix.FunctionCount != rows.Width || matrix.ItemCount != rows.TotalWeight)
        {
            throw new InvalidOperationException($"The state was fitted on {rows.TotalWeight} items of {rows.Width} functions, not on this matrix of {matrix.ItemCount} x {matrix.FunctionCount}; predict it as another matrix.");
        }

        int n = matrix.ItemCount;
        const int Window = 16 * BlockRows;
        int[] indices = new int[Math.Min(n, Window)];
        for (int start = 0; start < n; start += Window)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = Math.Min(Window, n - start);
            int first = start;
            Parallel.For(0, (length + BlockRows - 1) / BlockRows, new ParallelOptions { CancellationToken = cancellationToken }, block =>
            {
                int end = Math.Min(length, (block + 1) * BlockRows);
                for (int t = block * BlockRows; t < end; t++)
                {
                    int r = rows.IndexOf(matrix.GetRow(first + t));
                    if (r < 0)
                    {
                        throw new InvalidOperationException($"Item {first + t}'s votes are not a row of the fitted matrix; predict it as another matrix.");
                    }

                    indices[t] = r;
                }
            });
            window(first, indices.AsSpan(0, length));
        }
    }

    /// <summary>Receives a window of items' distinct rows: the first item and each item's row index.</summary>
    private delegate void ItemRowsAction(int first, ReadOnlySpan<int> rows);

    /// <summary>Writes the uncalibrated probabilities of <paramref name="count"/> rows, and returns their range on either side of the tie (NaN for a side without values).</summary>
    /// <param name="count">The number of rows.</param>
    /// <param name="rowOf">Each row's votes.</param>
    /// <param name="entries">The rows' entries listed once, read instead of <paramref name="rowOf"/> when given.</param>
    /// <param name="values">Receives the probabilities, <c>K</c> per row.</param>
    /// <param name="cancellationToken">Cancels the prediction.</param>
    /// <param name="twoRows">Whether rows of listed entries are predicted two at a time.</param>
    private (double High, double Low) PredictRows(int count, Func<int, ReadOnlySpan<sbyte>> rowOf, HyperEntries? entries, double[] values, CancellationToken cancellationToken, bool twoRows = true)
    {
        int k = Passes.Length == 1 ? 2 : Passes.Length;
        int blocks = (count + BlockRows - 1) / BlockRows;
        var highs = new double[blocks];
        var lows = new double[blocks];
        int functionCount = Passes[0].FunctionCount;
        // Compiled fully optimized at once, as the kernels are: on a loaded machine the background tier-up can leave
        // the per-row code unoptimized for seconds.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double high = double.NaN, low = double.NaN;
            double tie = 1.0 / k;
            int end = Math.Min(count, (block + 1) * BlockRows);
            float[] scratch = new float[HyperPass.ScratchLength(functionCount)];
            float[]? scratchB = entries is null || !twoRows ? null : new float[scratch.Length];
            int start = block * BlockRows;
            if (scratchB is not null)
            {
                // Rows of listed entries two at a time (HyperPass.PredictTwo), one class pass after the other so that a
                // pass's terms stay in the cache across the block; each row's values as one by one, combined after.
                for (int c = 0; c < Passes.Length; c++)
                {
                    HyperPass pass = Passes[c];
                    int i = start;
                    for (; i + 1 < end; i += 2)
                    {
                        pass.PredictTwo(entries!, i, i + 1, scratch, scratchB, out float a, out float b);
                        values[(i * k) + c] = a;
                        values[((i + 1) * k) + c] = b;
                    }

                    if (i < end)
                    {
                        values[(i * k) + c] = pass.Predict(entries!, i, scratch);
                    }
                }

                for (int i = start; i < end; i++)
                {
                    CombinePasses(values.AsSpan(i * k, k));
                }
            }
            else
            {
                for (int i = start; i < end; i++)
                {
                    Span<double> row = values.AsSpan(i * k, k);
                    if (entries is null)
                    {
                        PredictUncalibratedRow(rowOf(i), row, scratch);
                    }
                    else
                    {
                        PredictUncalibratedRow(entries, i, row, scratch);
                    }
                }
            }

            // The block's range, over its rows' values in order, whichever way they were computed.
            foreach (double p in values.AsSpan(start * k, (end - start) * k))
            {
                high = p > tie && !(p <= high) ? p : high;
                low = p < tie && !(p >= low) ? p : low;
            }

            highs[block] = high;
            lows[block] = low;
        }

        if (blocks > 1)
        {
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, Run);
        }
        else if (blocks == 1)
        {
            Run(0);
        }

        double max = double.NaN, min = double.NaN;
        for (int b = 0; b < blocks; b++)
        {
            max = double.IsNaN(highs[b]) || highs[b] <= max ? max : highs[b];
            min = double.IsNaN(lows[b]) || lows[b] >= min ? min : lows[b];
        }

        return (max, min);
    }

    /// <summary>Computes one row's uncalibrated probabilities: <c>[1 - p, p]</c> for a binary task, the class passes' outputs divided by their sum otherwise.</summary>
    public void PredictUncalibratedRow(ReadOnlySpan<sbyte> votes, Span<double> destination)
    {
        int length = HyperPass.ScratchLength(votes.Length);
        float[]? rented = null;
        Span<float> scratch = votes.Length <= StackFunctionLimit ? stackalloc float[length] : (rented = ArrayPool<float>.Shared.Rent(length));
        try
        {
            PredictUncalibratedRow(votes, destination, scratch);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Computes one row's uncalibrated probabilities in the caller's buffers (at least <see cref="HyperPass.ScratchLength"/> floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PredictUncalibratedRow(ReadOnlySpan<sbyte> votes, Span<double> destination, Span<float> scratch)
    {
        for (int c = 0; c < Passes.Length; c++)
        {
            destination[c] = Passes[c].Predict(votes, scratch);
        }

        CombinePasses(destination);
    }

    /// <summary>Computes one row's uncalibrated probabilities from the fitted matrix's entries, as <see cref="PredictUncalibratedRow(ReadOnlySpan{sbyte}, Span{double}, Span{float})"/> from its votes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PredictUncalibratedRow(HyperEntries entries, int row, Span<double> destination, Span<float> scratch)
    {
        for (int c = 0; c < Passes.Length; c++)
        {
            destination[c] = Passes[c].Predict(entries, row, scratch);
        }

        CombinePasses(destination);
    }

    /// <summary>Turns the class passes' outputs, written to the first of <paramref name="destination"/>'s values, into a row's probabilities: <c>[1 - p, p]</c> for the one pass of a binary task, the outputs divided by their sum otherwise.</summary>
    private void CombinePasses(Span<double> destination)
    {
        if (Passes.Length == 1)
        {
            double p = destination[0];
            destination[1] = p;
            destination[0] = 1 - p;
            return;
        }

        double sum = 0;
        for (int c = 0; c < Passes.Length; c++)
        {
            sum += destination[c];
        }

        for (int c = 0; c < Passes.Length; c++)
        {
            destination[c] /= sum;
        }
    }

    /// <summary>
    /// Applies the reference's <c>calibrate_probs</c> to one row with this state's range: values above the tie
    /// <c>1/K</c> are mapped linearly from <c>(tie, High]</c> to <c>(tie, 2 tie]</c>, values below from <c>[Low, tie)</c>
    /// to <c>[0, tie)</c>, then clipped to [0, 1] (rows of another matrix can fall outside the range) and renormalized.
    /// </summary>
    public void Calibrate(Span<double> row)
    {
        double tie = 1.0 / row.Length;
        double sum = 0;
        for (int c = 0; c < row.Length; c++)
        {
            double p = row[c];
            if (p > tie && !double.IsNaN(High))
            {
                p = ((p - tie) * tie / (High - tie)) + tie;
            }
            else if (p < tie && !double.IsNaN(Low))
            {
                p = ((p - tie) * tie / (tie - Low)) + tie;
            }

            p = Math.Clamp(p, 0, 1);
            row[c] = p;
            sum += p;
        }

        for (int c = 0; c < row.Length; c++)
        {
            row[c] /= sum;
        }
    }
}
