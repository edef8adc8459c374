using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Alchemist;

/// <summary>
/// One forward pass of the hyper label model over a label matrix, for one positive class: a vote for it is <c>+1</c>,
/// any other vote <c>-1</c> (a binary task makes one pass, for class 1; a task of K classes one per class). Holds the
/// pass's context, fitted on a matrix: each layer's column and global terms, computed from the column and whole-matrix
/// means of the previous layer's entry embeddings.
/// </summary>
/// <remarks>
/// Given the context, an item's output depends on its own row only: row means come from the row's entries, and a row is
/// processed in a few reusable buffers. On the matrix the context was fitted on, the output is the reference's
/// transductive pass over that matrix; on other rows, the fitted matrix's columns stand in for theirs.
/// </remarks>
internal sealed partial class HyperPass
{
    /// <summary>The rows processed together when a fit is split across threads; per-block sums are added in block order, so results do not depend on thread timing.</summary>
    private const int BlockRows = 4096;

    private readonly HyperNetwork _network;

    /// <summary>An entry's value by its vote read as a byte: +1 for the positive vote, -1 for any other (abstains, 255, are never read as entries).</summary>
    private readonly float[] _valueOfVote = new float[256];

    /// <summary>Whether the column passes of the paired kernels compute two rows side by side.</summary>
    private bool _twoRows = true;

    /// <summary>Per 8-wide layer, <see cref="ColumnTerms"/> with every value twice: column <c>j</c>'s term <c>x</c> at <c>[16 j + 2 x]</c> and <c>[16 j + 2 x + 1]</c>.</summary>
    private readonly float[][] _columnPairTerms;

    /// <summary>Whether the pass runs the AVX-512 kernels, two entries at a time (<c>HyperPass.Paired.cs</c>).</summary>
    private readonly bool _paired;

    private HyperPass(HyperNetwork network, sbyte positiveVote, int functionCount, bool paired)
    {
        _network = network;
        _paired = paired;
        _valueOfVote.AsSpan().Fill(-1f);
        _valueOfVote[(byte)positiveVote] = 1f;
        PositiveVote = positiveVote;
        FunctionCount = functionCount;
        ColumnTerms = new float[network.Layers.Length][];
        GlobalTerms = new float[network.Layers.Length][];
        _columnPairTerms = new float[network.Layers.Length][];
    }

    /// <summary>Gets the vote that counts as <c>+1</c> in this pass.</summary>
    public sbyte PositiveVote { get; }

    /// <summary>Gets the number of non-abstain votes in the fitted matrix.</summary>
    public long EntryCount { get; private set; }

    /// <summary>Gets the number of functions (columns).</summary>
    public int FunctionCount { get; }

    /// <summary>Gets, per layer, <c>A_col c_j</c> for each column <c>j</c>: <c>[j * OutputWidth + o]</c>.</summary>
    public float[][] ColumnTerms { get; }

    /// <summary>Gets, per layer, <c>A_global g + a</c>.</summary>
    public float[][] GlobalTerms { get; }

    /// <summary>Fits a pass's context on a matrix: one pass over the votes per layer.</summary>
    /// <param name="network">The network.</param>
    /// <param name="matrix">The matrix.</param>
    /// <param name="distinct">The matrix's distinct rows with their counts, or <see langword="null"/> to read its rows one by one.</param>
    /// <param name="entries">The matrix's entries listed once (<see cref="HyperEntries"/>), read instead of its rows when given (and <paramref name="distinct"/> is not); the sums are the same.</param>
    /// <param name="positiveVote">The vote that counts as <c>+1</c>.</param>
    /// <param name="paired">Whether to run the AVX-512 kernels (<see cref="PairedSupported"/> must be true); otherwise the portable 8-wide kernels.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <remarks>
    /// Equal rows have equal embeddings in every layer (a row's terms come from its own entries and the shared column
    /// and global terms), so a distinct row computed once and counted by its weight gives the sums of its copies.
    /// </remarks>
    /// <param name="twoRows">Whether the paired kernels' column passes compute two rows side by side (<c>HyperPass.TwoRows.cs</c>) or one at a time; the sums are the same.</param>
    public static HyperPass Fit(HyperNetwork network, LabelMatrix matrix, DistinctRowTable? distinct, HyperEntries? entries, sbyte positiveVote, bool paired, CancellationToken cancellationToken, bool twoRows = true) =>
        FitCore(network, matrix, matrix.FunctionCount, distinct, entries, positiveVote, paired, twoRows, cancellationToken);

    /// <summary>Fits one class pass on a matrix's distinct rows alone, weighted by their counts: the same pass, bit for bit, as <see cref="Fit(HyperNetwork, LabelMatrix, DistinctRowTable?, HyperEntries?, sbyte, bool, CancellationToken, bool)"/> on a matrix whose grouped rows these are.</summary>
    public static HyperPass Fit(HyperNetwork network, DistinctRowTable distinct, sbyte positiveVote, bool paired, CancellationToken cancellationToken) =>
        FitCore(network, null, distinct.Width, distinct, null, positiveVote, paired, twoRows: true, cancellationToken);

    private static HyperPass FitCore(HyperNetwork network, LabelMatrix? matrix, int m, DistinctRowTable? distinct, HyperEntries? entries, sbyte positiveVote, bool paired, bool twoRows, CancellationToken cancellationToken)
    {
        if (paired && !PairedSupported)
        {
            throw new PlatformNotSupportedException("The paired kernels of the hyper label model need AVX-512.");
        }

        var pass = new HyperPass(network, positiveVote, m, paired) { _twoRows = twoRows };
        var counts = new long[m];
        for (int l = 0; l < network.Layers.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double[] sums = distinct is null
                ? pass.ColumnSums(matrix!, entries, l, l == 0 ? counts : null, cancellationToken)
                : pass.ColumnSums(distinct, l, l == 0 ? counts : null, cancellationToken);
            if (l == 0)
            {
                pass.EntryCount = counts.Sum();
            }

            pass.SetContext(l, sums, counts);
        }

        return pass;
    }

    /// <summary>Computes the pass's output (the reference's sigmoid) for one row.</summary>
    /// <remarks>Columns must be below <see cref="FunctionCount"/>: the kernels index the column terms without checks.</remarks>
    /// <param name="votes">The row's votes.</param>
    /// <param name="scratch">Buffers of at least <see cref="ScratchLength"/> floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Predict(ReadOnlySpan<sbyte> votes, Span<float> scratch)
    {
        int m = FunctionCount;
        if (votes.Length != m || scratch.Length < ScratchLength(m))
        {
            throw new ArgumentException($"The pass was fitted on {m} functions; {votes.Length} votes and {scratch.Length} scratch values were given.", nameof(votes));
        }

        int c = m + 1;
        Span<int> columns = MemoryMarshal.Cast<float, int>(scratch[..c]);
        Span<float> values = scratch.Slice(c, c);
        int count = Gather(votes, columns, values, out int valueSum);
        return PredictGathered(columns, values, count, valueSum, scratch);
    }

    /// <summary>Computes the pass's output for row <paramref name="row"/> of the entries it was fitted on (<see cref="Predict(ReadOnlySpan{sbyte}, Span{float})"/> of the matrix row, without reading it).</summary>
    /// <param name="entries">The fitted matrix's entries.</param>
    /// <param name="row">The row.</param>
    /// <param name="scratch">Buffers of at least <see cref="ScratchLength"/> floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Predict(HyperEntries entries, int row, Span<float> scratch)
    {
        int c = FunctionCount + 1;
        if (scratch.Length < ScratchLength(FunctionCount))
        {
            throw new ArgumentException($"The pass was fitted on {FunctionCount} functions; {scratch.Length} scratch values were given.", nameof(scratch));
        }

        Span<int> columns = MemoryMarshal.Cast<float, int>(scratch[..c]);
        Span<float> values = scratch.Slice(c, c);
        int count = entries.Gather(row, PositiveVote, columns, values, out int valueSum);
        return PredictGathered(columns, values, count, valueSum, scratch);
    }

    /// <summary>Computes the output of a row from its gathered entries (in the first two of the scratch's buffers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float PredictGathered(Span<int> columns, Span<float> values, int count, int valueSum, Span<float> scratch)
    {
        int c = FunctionCount + 1;
        if (count == 0)
        {
            return _network.EmptyRowProbability;
        }

        Span<float> embedding = stackalloc float[HyperNetwork.EmbeddingWidth];
        if (_paired)
        {
            Span<float> input = EmbedPaired(3, columns, values, count, valueSum, scratch.Slice(2 * c, 8 * c), scratch.Slice(10 * c, 8 * c), out Vector512<float> rowSum);
            FinalLayerPaired(columns[..count], input, rowSum, embedding);
        }
        else
        {
            Span<float> previous = Embed(3, columns[..count], values[..count], scratch.Slice(2 * c, 8 * c), scratch.Slice(10 * c, 8 * c));
            FinalLayer(columns[..count], previous, embedding);
        }

        return _network.ClassifyEmbedding(embedding);
    }

    /// <summary>Gets the number of scratch floats <see cref="Predict(ReadOnlySpan{sbyte}, Span{float})"/> needs for a row of <paramref name="functionCount"/> votes (one entry more than the row, for the paired kernels' odd entry out).</summary>
    public static int ScratchLength(int functionCount) => 18 * (functionCount + 1);

    /// <summary>Sums each column's layer-<paramref name="layer"/> input embeddings (the votes for layer 0) over the matrix.</summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="entries">The matrix's entries listed once, read instead of its rows when given.</param>
    /// <param name="layer">The layer whose input is summed.</param>
    /// <param name="counts">When given (layer 0), receives each column's number of entries.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    private double[] ColumnSums(LabelMatrix matrix, HyperEntries? entries, int layer, long[]? counts, CancellationToken cancellationToken)
    {
        if (layer == 0 && counts is not null)
        {
            return VoteSums(matrix, counts, cancellationToken);
        }

        int m = FunctionCount;
        int width = _network.Layers[layer].InputWidth;
        int blocks = (matrix.ItemCount + BlockRows - 1) / BlockRows;
        var partial = new double[blocks][];
        var partialCounts = new long[counts is null ? 0 : blocks][];
        // The per-block loops are compiled fully optimized at once, as the kernels are (see below).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Block(int block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sums = new double[m * width];
            long[] blockCounts = counts is null ? [] : partialCounts[block] = new long[m];
            float[] blockSums = layer == 0 ? [] : new float[m * 8];
            float[] scratch = new float[ScratchLength(m)];
            int c = m + 1;
            Span<int> columns = MemoryMarshal.Cast<float, int>(scratch.AsSpan(0, c));
            Span<float> values = scratch.AsSpan(c, c);
            int end = Math.Min(matrix.ItemCount, (block + 1) * BlockRows);
            int first = block * BlockRows;
            if (_paired && _twoRows && layer > 0)
            {
                // Two rows at a time (HyperPass.TwoRows.cs): the same sums, in the same order.
                AddPairedRowsToColumns(matrix, entries, layer, first, end, blockSums, scratch, new float[scratch.Length]);
                first = end;
            }

            for (int i = first; i < end; i++)
            {
                int count = entries is null
                    ? Gather(matrix.GetRow(i), columns, values, out int valueSum)
                    : entries.Gather(i, PositiveVote, columns, values, out valueSum);
                if (count == 0)
                {
                    continue;
                }

                if (layer == 0)
                {
                    for (int t = 0; t < count; t++)
                    {
                        sums[columns[t]] += values[t];
                        if (counts is not null)
                        {
                            blockCounts[columns[t]]++;
                        }
                    }

                    continue;
                }

                // Within a block the sums are 8-wide float vectors; blocks are added in double.
                if (_paired)
                {
                    Span<float> paired = EmbedPaired(layer, columns, values, count, valueSum, scratch.AsSpan(2 * c, 8 * c), scratch.AsSpan(10 * c, 8 * c), out _);
                    AddPairedToColumns(columns[..count], paired, blockSums);
                    continue;
                }

                Span<float> embeddings = Embed(layer, columns[..count], values[..count], scratch.AsSpan(2 * c, 8 * c), scratch.AsSpan(10 * c, 8 * c));
                for (int t = 0; t < count; t++)
                {
                    Span<float> target = blockSums.AsSpan(columns[t] * 8, 8);
                    (Vector256.Create(target) + Vector256.Create(embeddings.Slice(t * 8, 8))).CopyTo(target);
                }
            }

            if (layer > 0)
            {
                for (int x = 0; x < sums.Length; x++)
                {
                    sums[x] = blockSums[x];
                }
            }

            partial[block] = sums;
        }

        if (blocks > 1 && matrix.ItemCount >= 2 * BlockRows)
        {
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, Block);
        }
        else
        {
            for (int b = 0; b < blocks; b++)
            {
                Block(b);
            }
        }

        var total = new double[m * width];
        foreach (double[] sums in partial)
        {
            for (int x = 0; x < total.Length; x++)
            {
                total[x] += sums[x];
            }
        }

        foreach (long[] blockCounts in partialCounts)
        {
            for (int j = 0; j < m; j++)
            {
                counts![j] += blockCounts[j];
            }
        }

        return total;
    }

    /// <summary>
    /// Sums each column's layer-0 inputs (its +1 and -1 values) and counts its entries, without listing any row's
    /// entries: 32 votes at a time are compared with the abstain and the positive vote, and the comparisons counted
    /// in byte lanes, emptied into integers every 255 rows. The sums are integers, so they equal the entry-by-entry sums.
    /// </summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="counts">Receives each column's number of entries.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    private double[] VoteSums(LabelMatrix matrix, long[] counts, CancellationToken cancellationToken)
    {
        int m = FunctionCount;
        int vectors = m / 32;
        int blocks = (matrix.ItemCount + BlockRows - 1) / BlockRows;
        var entries = new long[blocks][];
        var positives = new long[blocks][];
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Block(int block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long[] blockEntries = entries[block] = new long[m];
            long[] blockPositives = positives[block] = new long[m];
            Span<Vector256<byte>> entryLanes = stackalloc Vector256<byte>[vectors];
            Span<Vector256<byte>> positiveLanes = stackalloc Vector256<byte>[vectors];
            entryLanes.Clear();
            positiveLanes.Clear();
            Vector256<sbyte> positive = Vector256.Create(PositiveVote);
            int start = block * BlockRows;
            int end = Math.Min(matrix.ItemCount, start + BlockRows);
            for (int i = start; i < end; i++)
            {
                ReadOnlySpan<sbyte> votes = matrix.GetRow(i);
                ref sbyte voteRef = ref MemoryMarshal.GetReference(votes);
                for (int v = 0; v < vectors; v++)
                {
                    // A comparison is 0 or all ones (-1 as a byte): subtracting it counts one.
                    Vector256<sbyte> chunk = Vector256.LoadUnsafe(ref voteRef, (nuint)v * 32);
                    entryLanes[v] -= Vector256.GreaterThanOrEqual(chunk, Vector256<sbyte>.Zero).AsByte();
                    positiveLanes[v] -= Vector256.Equals(chunk, positive).AsByte();
                }

                for (int j = vectors * 32; j < m; j++)
                {
                    sbyte vote = votes[j];
                    blockEntries[j] += vote >= 0 ? 1 : 0;
                    blockPositives[j] += vote == PositiveVote ? 1 : 0;
                }

                if ((i - start) % 255 == 254 || i == end - 1)
                {
                    for (int v = 0; v < vectors; v++)
                    {
                        for (int x = 0; x < 32; x++)
                        {
                            blockEntries[(v * 32) + x] += entryLanes[v].GetElement(x);
                            blockPositives[(v * 32) + x] += positiveLanes[v].GetElement(x);
                        }
                    }

                    entryLanes.Clear();
                    positiveLanes.Clear();
                }
            }
        }

        if (blocks > 1 && matrix.ItemCount >= 2 * BlockRows)
        {
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, Block);
        }
        else
        {
            for (int b = 0; b < blocks; b++)
            {
                Block(b);
            }
        }

        var sums = new double[m];
        for (int b = 0; b < blocks; b++)
        {
            for (int j = 0; j < m; j++)
            {
                counts[j] += entries[b][j];
                sums[j] += (2 * positives[b][j]) - entries[b][j];
            }
        }

        return sums;
    }

    /// <summary>Sums each column's layer-<paramref name="layer"/> input embeddings over distinct rows, each counted by its weight, in double precision.</summary>
    /// <param name="rows">The distinct rows and their weights.</param>
    /// <param name="layer">The layer whose input is summed.</param>
    /// <param name="counts">When given (layer 0), receives each column's number of entries.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    private double[] ColumnSums(DistinctRowTable rows, int layer, long[]? counts, CancellationToken cancellationToken)
    {
        int m = FunctionCount;
        int width = _network.Layers[layer].InputWidth;
        var partial = new double[rows.ChunkCount][];
        var partialCounts = new long[rows.ChunkCount][];
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Chunk(int chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sums = new double[m * width];
            long[] chunkCounts = partialCounts[chunk] = new long[m];
            float[] scratch = new float[ScratchLength(m)];
            int c = m + 1;
            Span<int> columns = MemoryMarshal.Cast<float, int>(scratch.AsSpan(0, c));
            Span<float> values = scratch.AsSpan(c, c);
            ReadOnlySpan<sbyte> chunkRows = rows.GetChunkRows(chunk);
            ReadOnlySpan<long> weights = rows.GetChunkWeights(chunk);
            for (int r = 0; r < weights.Length; r++)
            {
                int count = Gather(chunkRows.Slice(r * m, m), columns, values, out int valueSum);
                if (count == 0)
                {
                    continue;
                }

                long weight = weights[r];
                ReadOnlySpan<float> inputs = layer == 0
                    ? values[..count]
                    : _paired
                        ? EmbedPaired(layer, columns, values, count, valueSum, scratch.AsSpan(2 * c, 8 * c), scratch.AsSpan(10 * c, 8 * c), out _)
                        : Embed(layer, columns[..count], values[..count], scratch.AsSpan(2 * c, 8 * c), scratch.AsSpan(10 * c, 8 * c));
                for (int t = 0; t < count; t++)
                {
                    int column = columns[t];
                    chunkCounts[column] += weight;

                    // The paired kernels interleave two entries: entry t's value x is at (t / 2) * 16 + 2 x + t % 2.
                    int start = layer > 0 && _paired ? ((t >> 1) * 16) + (t & 1) : t * width;
                    int stride = layer > 0 && _paired ? 2 : 1;
                    for (int x = 0; x < width; x++)
                    {
                        sums[(column * width) + x] += (double)weight * inputs[start + (x * stride)];
                    }
                }
            }

            partial[chunk] = sums;
        }

        Parallel.For(0, rows.ChunkCount, new ParallelOptions { CancellationToken = cancellationToken }, Chunk);
        var total = new double[m * width];
        for (int chunk = 0; chunk < partial.Length; chunk++)
        {
            for (int x = 0; x < total.Length; x++)
            {
                total[x] += partial[chunk][x];
            }

            for (int j = 0; counts is not null && j < m; j++)
            {
                counts[j] += partialCounts[chunk][j];
            }
        }

        return total;
    }

    /// <summary>Turns column sums of a layer's input into its column and global terms.</summary>
    private void SetContext(int layer, double[] sums, long[] counts)
    {
        HyperLayer l = _network.Layers[layer];
        int d = l.InputWidth, o = l.OutputWidth, m = FunctionCount;
        var columnTerms = new float[m * o];
        var global = new double[d];
        long entries = 0;
        Span<double> mean = stackalloc double[d];
        Span<double> term = stackalloc double[o];
        for (int j = 0; j < m; j++)
        {
            entries += counts[j];
            for (int k = 0; k < d; k++)
            {
                global[k] += sums[(j * d) + k];

                // The reference divides by count + 1e-9: a column without entries has a zero mean.
                mean[k] = counts[j] == 0 ? 0 : sums[(j * d) + k] / counts[j];
            }

            term.Clear();
            l.AddProduct(l.Column, mean, term);
            for (int i = 0; i < o; i++)
            {
                columnTerms[(j * o) + i] = (float)term[i];
            }
        }

        for (int k = 0; k < d; k++)
        {
            global[k] = entries == 0 ? 0 : global[k] / entries;
        }

        term.Clear();
        l.AddProduct(l.Global, global, term);
        var globalTerms = new float[o];
        for (int i = 0; i < o; i++)
        {
            globalTerms[i] = (float)(term[i] + l.Bias[i]);
        }

        ColumnTerms[layer] = columnTerms;
        if (o == 8)
        {
            // Each 8-wide column term with every value twice, for the paired kernels (HyperPass.Paired.cs).
            var pairTerms = new float[m * 16];
            for (int x = 0; x < columnTerms.Length; x++)
            {
                pairTerms[2 * x] = columnTerms[x];
                pairTerms[(2 * x) + 1] = columnTerms[x];
            }

            _columnPairTerms[layer] = pairTerms;
        }
        GlobalTerms[layer] = globalTerms;
    }

    /// <summary>Lists a row's non-abstain entries: their columns and values (+1 for the positive vote, -1 otherwise), and the sum of the values.</summary>
    /// <remarks>
    /// Without a branch on any vote: 32 votes at a time give a mask of the non-abstain ones (an abstain, <c>-1</c>, is the
    /// only vote with its sign bit set) whose set bits are the entries, and a vote's value is read from a table.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Gather(ReadOnlySpan<sbyte> votes, Span<int> columns, Span<float> values, out int valueSum)
    {
        int m = votes.Length;
        if (columns.Length < m || values.Length < m)
        {
            throw new ArgumentException("The entry buffers are shorter than the row.", nameof(columns));
        }

        ref sbyte voteRef = ref MemoryMarshal.GetReference(votes);
        ref int columnRef = ref MemoryMarshal.GetReference(columns);
        ref float valueRef = ref MemoryMarshal.GetReference(values);
        ref float valueOf = ref MemoryMarshal.GetArrayDataReference(_valueOfVote);
        int count = 0;
        int positives = 0;
        int j = 0;
        Vector256<sbyte> positive = Vector256.Create(PositiveVote);
        for (; j + 32 <= m; j += 32)
        {
            Vector256<sbyte> block = Vector256.LoadUnsafe(ref voteRef, (nuint)j);
            uint entries = ~block.ExtractMostSignificantBits();
            positives += BitOperations.PopCount(Vector256.Equals(block, positive).ExtractMostSignificantBits());
            while (entries != 0)
            {
                int column = j + BitOperations.TrailingZeroCount(entries);
                entries &= entries - 1;
                Unsafe.Add(ref columnRef, count) = column;
                Unsafe.Add(ref valueRef, count) = Unsafe.Add(ref valueOf, (byte)Unsafe.Add(ref voteRef, column));
                count++;
            }
        }

        // The rest one vote at a time, still without a branch: every vote is written at the next free place, which
        // only an entry claims (count <= j < m, so the write is within the buffers).
        for (; j < m; j++)
        {
            sbyte vote = Unsafe.Add(ref voteRef, j);
            Unsafe.Add(ref columnRef, count) = j;
            Unsafe.Add(ref valueRef, count) = Unsafe.Add(ref valueOf, (byte)vote);
            count += (vote >> 31) + 1;
            positives += vote == PositiveVote ? 1 : 0;
        }

        // The values are +1 and -1: their sum in any order is this integer, exactly.
        valueSum = (2 * positives) - count;
        return count;
    }

    /// <summary>Computes the entries' embeddings after layers 1..<paramref name="depth"/> (at most 3, each 8 wide).</summary>
    private Span<float> Embed(int depth, ReadOnlySpan<int> columns, ReadOnlySpan<float> values, Span<float> first, Span<float> second)
    {
        int count = columns.Length;
        FirstLayer(columns, values, first);
        for (int layer = 1; layer < depth; layer++)
        {
            // Layers alternate between the two buffers: odd layers read the first and write the second.
            bool odd = layer % 2 == 1;
            MiddleLayer(layer, columns, (odd ? first : second)[..(8 * count)], odd ? second : first);
        }

        return (depth % 2 == 1 ? first : second)[..(8 * count)];
    }

    // The kernels below are compiled fully optimized at once: they run millions of times from the first call, and on a
    // loaded machine the background tier-up could leave them unoptimized for seconds. They read through refs checked
    // by the spans' lengths on entry (an entry's column is below FunctionCount, its embedding within the buffers).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FirstLayer(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, Span<float> output)
    {
        HyperLayer layer = _network.Layers[0];
        float rowMean = 0;
        foreach (float v in values)
        {
            rowMean += v;
        }

        rowMean /= values.Length;
        Vector256<float> self = Vector256.Create(layer.Self);
        Vector256<float> rowTerm = Vector256.FusedMultiplyAdd(Vector256.Create(layer.Row), Vector256.Create(rowMean), Vector256.Create(GlobalTerms[0]));
        float[] columnTerms = ColumnTerms[0];
        ref float columnRef = ref MemoryMarshal.GetArrayDataReference(columnTerms);
        ref float outRef = ref MemoryMarshal.GetReference(output[..(8 * values.Length)]);
        for (int t = 0; t < values.Length; t++)
        {
            Vector256<float> z = Vector256.FusedMultiplyAdd(self, Vector256.Create(values[t]), rowTerm + Vector256.LoadUnsafe(ref columnRef, (nuint)columns[t] * 8));
            Leaky(z).StoreUnsafe(ref outRef, (nuint)t * 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MiddleLayer(int index, ReadOnlySpan<int> columns, ReadOnlySpan<float> input, Span<float> output)
    {
        HyperLayer layer = _network.Layers[index];
        int count = columns.Length;
        Vector256<float> rowTerm = RowTerms(layer, GlobalTerms[index], input, count, stackalloc Vector256<float>[1])[0];
        ReadOnlySpan<float> self = layer.Self;
        Vector256<float> s0 = Vector256.Create(self[..8]), s1 = Vector256.Create(self.Slice(8, 8)), s2 = Vector256.Create(self.Slice(16, 8)), s3 = Vector256.Create(self.Slice(24, 8));
        Vector256<float> s4 = Vector256.Create(self.Slice(32, 8)), s5 = Vector256.Create(self.Slice(40, 8)), s6 = Vector256.Create(self.Slice(48, 8)), s7 = Vector256.Create(self.Slice(56, 8));
        ref float columnRef = ref MemoryMarshal.GetArrayDataReference(ColumnTerms[index]);
        ref float inRef = ref MemoryMarshal.GetReference(input[..(8 * count)]);
        ref float outRef = ref MemoryMarshal.GetReference(output[..(8 * count)]);

        for (int t = 0; t < count; t++)
        {
            ref float e = ref Unsafe.Add(ref inRef, t * 8);
            Vector256<float> a = rowTerm + Vector256.LoadUnsafe(ref columnRef, (nuint)columns[t] * 8);
            a = Vector256.FusedMultiplyAdd(s0, Vector256.Create(e), a);
            Vector256<float> b = s1 * Vector256.Create(Unsafe.Add(ref e, 1));
            a = Vector256.FusedMultiplyAdd(s2, Vector256.Create(Unsafe.Add(ref e, 2)), a);
            b = Vector256.FusedMultiplyAdd(s3, Vector256.Create(Unsafe.Add(ref e, 3)), b);
            a = Vector256.FusedMultiplyAdd(s4, Vector256.Create(Unsafe.Add(ref e, 4)), a);
            b = Vector256.FusedMultiplyAdd(s5, Vector256.Create(Unsafe.Add(ref e, 5)), b);
            a = Vector256.FusedMultiplyAdd(s6, Vector256.Create(Unsafe.Add(ref e, 6)), a);
            b = Vector256.FusedMultiplyAdd(s7, Vector256.Create(Unsafe.Add(ref e, 7)), b);
            Leaky(a + b).StoreUnsafe(ref outRef, (nuint)t * 8);
        }
    }

    /// <summary>Runs the last graph layer (8 to 32) and averages its outputs over the row: the item embedding.</summary>
    /// <remarks>
    /// One sweep over the entries computes all four 8-wide chunks of an entry's output, the even and odd inputs in
    /// separate chains: eight independent chains of multiply-adds per entry.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FinalLayer(ReadOnlySpan<int> columns, ReadOnlySpan<float> input, Span<float> embedding)
    {
        HyperLayer layer = _network.Layers[3];
        int count = columns.Length;
        Span<Vector256<float>> rowTerms = RowTerms(layer, GlobalTerms[3], input, count, stackalloc Vector256<float>[4]);
        Vector256<float> r0 = rowTerms[0], r1 = rowTerms[1], r2 = rowTerms[2], r3 = rowTerms[3];
        ref float selfRef = ref MemoryMarshal.GetArrayDataReference(layer.Self);
        ref float columnRef = ref MemoryMarshal.GetArrayDataReference(ColumnTerms[3]);
        ref float inRef = ref MemoryMarshal.GetReference(input[..(8 * count)]);
        Vector256<float> sum0 = Vector256<float>.Zero, sum1 = Vector256<float>.Zero, sum2 = Vector256<float>.Zero, sum3 = Vector256<float>.Zero;
        for (int t = 0; t < count; t++)
        {
            ref float e = ref Unsafe.Add(ref inRef, t * 8);
            ref float column = ref Unsafe.Add(ref columnRef, columns[t] * 32);
            Vector256<float> a0 = r0 + Vector256.LoadUnsafe(ref column), a1 = r1 + Vector256.LoadUnsafe(ref column, 8);
            Vector256<float> a2 = r2 + Vector256.LoadUnsafe(ref column, 16), a3 = r3 + Vector256.LoadUnsafe(ref column, 24);
            Vector256<float> b0 = Vector256<float>.Zero, b1 = Vector256<float>.Zero, b2 = Vector256<float>.Zero, b3 = Vector256<float>.Zero;
            for (int k = 0; k < 8; k += 2)
            {
                ref float even = ref Unsafe.Add(ref selfRef, k * 32);
                ref float odd = ref Unsafe.Add(ref even, 32);
                Vector256<float> x = Vector256.Create(Unsafe.Add(ref e, k));
                Vector256<float> y = Vector256.Create(Unsafe.Add(ref e, k + 1));
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even), x, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even, 8), x, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even, 16), x, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref even, 24), x, a3);
                b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd), y, b0);
                b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd, 8), y, b1);
                b2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd, 16), y, b2);
                b3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref odd, 24), y, b3);
            }

            sum0 += Leaky(a0 + b0);
            sum1 += Leaky(a1 + b1);
            sum2 += Leaky(a2 + b2);
            sum3 += Leaky(a3 + b3);
        }

        (sum0 / count).CopyTo(embedding[..8]);
        (sum1 / count).CopyTo(embedding.Slice(8, 8));
        (sum2 / count).CopyTo(embedding.Slice(16, 8));
        (sum3 / count).CopyTo(embedding.Slice(24, 8));
    }

    /// <summary>
    /// Computes <c>A_row r + A_global g + a</c> in 8-wide chunks (as many as <paramref name="terms"/> holds, at most the
    /// layer's output width / 8), where <c>r</c> is the mean of the row's 8-wide input embeddings.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<Vector256<float>> RowTerms(HyperLayer layer, float[] globalTerms, ReadOnlySpan<float> input, int count, Span<Vector256<float>> terms)
    {
        ref float inRef = ref MemoryMarshal.GetReference(input[..(8 * count)]);
        Vector256<float> mean = Vector256<float>.Zero;
        for (int t = 0; t < count; t++)
        {
            mean += Vector256.LoadUnsafe(ref inRef, (nuint)t * 8);
        }

        mean /= count;
        return RowTermsOfMean(layer, globalTerms, mean, terms);
    }

    /// <summary>Computes <c>A_row r + A_global g + a</c> in 8-wide chunks from the row mean <c>r</c> of the 8-wide input embeddings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Span<Vector256<float>> RowTermsOfMean(HyperLayer layer, float[] globalTerms, Vector256<float> mean, Span<Vector256<float>> terms)
    {
        // The mean's values broadcast once, and the weights read as whole vectors (RowChunks): the same multiply-adds
        // in the same order as input by input from Row, without the per-value round trip through memory.
        ReadOnlySpan<Vector256<float>> weights = layer.RowChunks.AsSpan(0, 8 * terms.Length);
        ReadOnlySpan<Vector256<float>> global = MemoryMarshal.Cast<float, Vector256<float>>(globalTerms.AsSpan(0, 8 * terms.Length));
        Vector256<float> m0 = Vector256.Create(mean.GetElement(0)), m1 = Vector256.Create(mean.GetElement(1));
        Vector256<float> m2 = Vector256.Create(mean.GetElement(2)), m3 = Vector256.Create(mean.GetElement(3));
        Vector256<float> m4 = Vector256.Create(mean.GetElement(4)), m5 = Vector256.Create(mean.GetElement(5));
        Vector256<float> m6 = Vector256.Create(mean.GetElement(6)), m7 = Vector256.Create(mean.GetElement(7));
        for (int chunk = 0; chunk < terms.Length; chunk++)
        {
            // Even and odd inputs in two chains.
            ReadOnlySpan<Vector256<float>> w = weights.Slice(chunk * 8, 8);
            Vector256<float> even = Vector256.FusedMultiplyAdd(w[0], m0, global[chunk]);
            Vector256<float> odd = Vector256.FusedMultiplyAdd(w[1], m1, Vector256<float>.Zero);
            even = Vector256.FusedMultiplyAdd(w[2], m2, even);
            odd = Vector256.FusedMultiplyAdd(w[3], m3, odd);
            even = Vector256.FusedMultiplyAdd(w[4], m4, even);
            odd = Vector256.FusedMultiplyAdd(w[5], m5, odd);
            even = Vector256.FusedMultiplyAdd(w[6], m6, even);
            odd = Vector256.FusedMultiplyAdd(w[7], m7, odd);
            terms[chunk] = even + odd;
        }

        return terms;
    }

    /// <summary>LeakyReLU as the larger of <c>z</c> and <c>0.01 z</c>: one native max, as the two are never zeros of different signs and are NaN together.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Leaky(Vector256<float> z) => Vector256.MaxNative(z, z * HyperNetwork.LeakySlope);
}
