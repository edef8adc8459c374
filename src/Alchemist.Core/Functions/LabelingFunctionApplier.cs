using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Alchemist;

/// <summary>Applies labeling functions to items in parallel and collects their votes into a <see cref="LabelMatrix"/>.</summary>
/// <remarks>
/// <para>
/// Items are read in chunks of <see cref="LabelingApplierOptions.ChunkSize"/>, and each chunk is labeled in parallel
/// over the cores. Every vote depends only on its item and function, so the matrix is identical to a sequential run,
/// whatever the thread timing. Input can stream (<see cref="IEnumerable{T}"/> or <see cref="IAsyncEnumerable{T}"/>):
/// only one chunk of items is held at a time beside the growing matrix.
/// </para>
/// <para>
/// A function that throws, or returns a value outside <c>-1..K-1</c>, is recorded as an abstain on that item, and a
/// fault is counted against it in <see cref="LabelingResult.Faults"/>; it never stops the application.
/// Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed partial class LabelingFunctionApplier
{
    private const int SequentialThreshold = 256;
    private const int MaxErrorLength = 500;
    private readonly LabelingApplierOptions _options;

    /// <summary>Initializes a new instance of the <see cref="LabelingFunctionApplier"/> class.</summary>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Validated here, and read at each application.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message lists every problem.</exception>
    public LabelingFunctionApplier(LabelingApplierOptions? options = null)
    {
        _options = OptionsValidation.ThrowIfInvalid(new LabelingApplierOptionsValidator(), options ?? new LabelingApplierOptions(), nameof(options));
    }

    /// <summary>Gets the options the applier works with.</summary>
    internal LabelingApplierOptions Options => _options;

    /// <summary>Applies labeling functions to items.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items; enumerated once, chunk by chunk.</param>
    /// <param name="functions">The functions, one column each; names must be distinct.</param>
    /// <param name="classCount">The number of classes, <c>K</c>.</param>
    /// <param name="progress">Receives the number of items labeled after each chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the application; checked between and within chunks.</param>
    /// <returns>The label matrix and each function's faults.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="functions"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two functions share a name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is outside 2..127.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public LabelingResult Apply<TItem>(
        IEnumerable<TItem> items,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        int classCount,
        IProgress<LabelingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var run = new Run<TItem>(this, functions, classCount, TryGetCount(items), progress, cancellationToken);
        if (items is IReadOnlyList<TItem> list)
        {
            for (int start = 0; start < list.Count; start += _options.ChunkSize)
            {
                run.LabelChunk(list, start, Math.Min(_options.ChunkSize, list.Count - start));
            }
        }
        else
        {
            var chunk = new TItem[_options.ChunkSize];
            int filled = 0;
            foreach (TItem item in items)
            {
                chunk[filled++] = item;
                if (filled == chunk.Length)
                {
                    run.LabelChunk(chunk, 0, filled);
                    filled = 0;
                }
            }

            run.LabelChunk(chunk, 0, filled);
        }

        return run.Complete();
    }

    /// <summary>Applies labeling functions to a stream of items.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items; enumerated once, chunk by chunk.</param>
    /// <param name="functions">The functions, one column each; names must be distinct.</param>
    /// <param name="classCount">The number of classes, <c>K</c>.</param>
    /// <param name="progress">Receives the number of items labeled after each chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the enumeration and the application.</param>
    /// <returns>The label matrix and each function's faults.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="functions"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two functions share a name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is outside 2..127.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<LabelingResult> ApplyAsync<TItem>(
        IAsyncEnumerable<TItem> items,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        int classCount,
        IProgress<LabelingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var run = new Run<TItem>(this, functions, classCount, totalItems: null, progress, cancellationToken);
        return ApplyCoreAsync(items, run, cancellationToken);
    }

    /// <summary>
    /// Applies functions to items read as they come, as <see cref="ApplyAsync{TItem}(IAsyncEnumerable{TItem}, IReadOnlyList{ILabelingFunction{TItem}}, int, IProgress{LabelingProgress}?, CancellationToken)"/>
    /// does, into a matrix sized once for the count given (no growth, no final copy) with room for
    /// <paramref name="spareColumns"/> more columns (<see cref="LabelMatrix.AppendColumnInPlace"/>). When the matrix
    /// (<paramref name="totalItems"/> x (functions + <paramref name="spareColumns"/>) bytes) is larger than
    /// <paramref name="memoryBudget"/>, it is a memory-mapped temporary file in <paramref name="spillDirectory"/>
    /// (<see cref="MappedVotes"/>; <see cref="LabelMatrix.Mapped"/>), which the caller then owns and disposes; it is
    /// disposed here if the application fails.
    /// </summary>
    internal Task<LabelingResult> ApplyAsync<TItem>(
        IAsyncEnumerable<TItem> items,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        int classCount,
        long totalItems,
        int spareColumns,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken,
        long? memoryBudget = null,
        string? spillDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var run = new Run<TItem>(this, functions, classCount, totalItems, progress, cancellationToken, spareColumns, memoryBudget, spillDirectory);
        return ApplyCoreAsync(items, run, cancellationToken);
    }

    private async Task<LabelingResult> ApplyCoreAsync<TItem>(IAsyncEnumerable<TItem> items, Run<TItem> run, CancellationToken cancellationToken)
    {
        try
        {
            var chunk = new TItem[_options.ChunkSize];
            int filled = 0;
            await foreach (TItem item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                chunk[filled++] = item;
                if (filled == chunk.Length)
                {
                    run.LabelChunk(chunk, 0, filled);
                    filled = 0;
                }
            }

            run.LabelChunk(chunk, 0, filled);
            return run.Complete();
        }
        catch
        {
            run.Abandon();
            throw;
        }
    }

    /// <summary>Keeps a fault message short: a hostile function can throw a message of any size, and the first one is kept for the whole run.</summary>
    /// <remarks>Sandbox worker processes shorten the messages they send with the same rule, so faults read the same in both modes.</remarks>
    internal static string ShortenFault(string message) =>
        message.Length <= MaxErrorLength ? message : string.Concat(message.AsSpan(0, MaxErrorLength), $"... ({message.Length - MaxErrorLength} more characters)");

    private static long? TryGetCount<TItem>(IEnumerable<TItem> items) => items switch
    {
        IReadOnlyCollection<TItem> c => c.Count,
        ICollection<TItem> c => c.Count,
        _ => null,
    };

    /// <summary>The state of one application: the growing vote buffer and the fault counters.</summary>
    private sealed partial class Run<TItem>
    {
        private readonly LabelingApplierOptions _options;
        private readonly ILabelingFunction<TItem>[] _functions;
        private readonly string[] _names;
        private readonly int _classCount;
        private readonly long? _totalItems;
        private readonly IProgress<LabelingProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly long[] _exceptions;
        private readonly long[] _invalid;
        private readonly long[] _seen;
        private readonly bool[] _quarantined;
        private readonly (long Item, string Message)?[] _firstErrors;
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private readonly int _spareColumns;
        private readonly MappedVotes? _mapped;
        private sbyte[] _votes;
        private long _itemCount;

        public Run(
            LabelingFunctionApplier owner,
            IReadOnlyList<ILabelingFunction<TItem>> functions,
            int classCount,
            long? totalItems,
            IProgress<LabelingProgress>? progress,
            CancellationToken cancellationToken,
            int spareColumns = 0,
            long? memoryBudget = null,
            string? spillDirectory = null)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(spareColumns);
            ArgumentNullException.ThrowIfNull(functions);
            ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, Label.MaxClassCount);
            _functions = [.. functions];
            _names = new string[_functions.Length];
            var seenNames = new HashSet<string>(StringComparer.Ordinal);
            for (int j = 0; j < _functions.Length; j++)
            {
                if (_functions[j] is null)
                {
                    throw new ArgumentNullException(nameof(functions), $"Labeling function {j} is null.");
                }

                _names[j] = _functions[j].Name;
                if (!seenNames.Add(_names[j]))
                {
                    throw new ArgumentException($"Two labeling functions are named '{_names[j]}'; names must be distinct.", nameof(functions));
                }
            }

            _options = owner._options;
            _classCount = classCount;
            _totalItems = totalItems;
            _progress = progress;
            _cancellationToken = cancellationToken;
            int m = _functions.Length;
            _exceptions = new long[m];
            _invalid = new long[m];
            _seen = new long[m];
            _quarantined = new bool[m];
            _firstErrors = new (long, string)?[m];
            _spareColumns = spareColumns;
            long initial = totalItems is long n ? n * (m + spareColumns) : (long)Math.Min(_options.ChunkSize, 1 << 16) * m;
            // Larger than the budget: the one matrix of the run lives in a mapped file, sized once as the array would be.
            _mapped = totalItems is null ? null : MappedVotes.CreateIfOverBudget(initial, memoryBudget, spillDirectory);
            // Counted: the array lives as long as the run, so it is kept off the large-object heap (LabelMatrix.AllocateVotes).
            _votes = _mapped is null ? (totalItems is null ? new sbyte[checked((int)initial)] : LabelMatrix.AllocateVotes(checked((int)initial))) : [];

            _batched = new bool[m];
            _batches = FindBatches(_functions, _batched);
        }

        /// <summary>Gets the storage the votes are written to: the array, or the mapped file.</summary>
        private Span<sbyte> Votes => _mapped is null ? _votes : _mapped.Span;

        public void LabelChunk(IReadOnlyList<TItem> items, int start, int count)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (count == 0)
            {
                return;
            }

            int m = _functions.Length;
            EnsureCapacity(_itemCount + count);
            int offset = checked((int)(_itemCount * m));
            if (_batches is not null)
            {
                LabelBatches(items, start, count, offset);
            }

            bool perItem = !Array.TrueForAll(_batched, b => b);
            if (perItem && (count < SequentialThreshold || _options.MaxDegreeOfParallelism == 1))
            {
                var counters = new Counters(m);
                LabelRange(items, start, 0, count, offset, counters);
                Merge(counters);
            }
            else if (perItem)
            {
                var parallelOptions = new ParallelOptions
                {
                    CancellationToken = _cancellationToken,
                    MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? -1,
                };
                int rangeSize = Math.Max(64, count / (Environment.ProcessorCount * 8));
                Parallel.ForEach(
                    Partitioner.Create(0, count, rangeSize),
                    parallelOptions,
                    () => new Counters(m),
                    (range, _, counters) =>
                    {
                        LabelRange(items, start, range.Item1, range.Item2, offset, counters);
                        return counters;
                    },
                    counters =>
                    {
                        lock (_exceptions)
                        {
                            Merge(counters);
                        }
                    });
            }

            for (int j = 0; j < m; j++)
            {
                if (!_quarantined[j])
                {
                    _seen[j] += count;
                }
            }

            _itemCount += count;
            UpdateQuarantine();
            _progress?.Report(new LabelingProgress(_itemCount, _totalItems));
        }

        public LabelingResult Complete()
        {
            int m = _functions.Length;
            long length = _itemCount * (m + _spareColumns);
            if (_mapped is null && _votes.Length != length)
            {
                // The final array is the matrix the run keeps: allocated as a counted run's is (LabelMatrix.AllocateVotes).
                sbyte[] exact = LabelMatrix.AllocateVotes(checked((int)length));
                _votes.AsSpan(0, (int)Math.Min(_votes.Length, length)).CopyTo(exact);
                _votes = exact;
            }

            var faults = new LabelingFunctionFaults[m];
            for (int j = 0; j < m; j++)
            {
                faults[j] = new LabelingFunctionFaults(_names[j], _seen[j], _exceptions[j], _invalid[j], _quarantined[j], _firstErrors[j]?.Message);
            }

            // A mapped file longer than the items that came (a source that gave fewer than it counted) keeps its length:
            // the matrix is its first n * m votes, and the room after them is still there for the spare columns.
            LabelMatrix matrix = _mapped is null
                ? LabelMatrix.Wrap(checked((int)_itemCount), m, _classCount, _votes, _names)
                : LabelMatrix.Wrap(checked((int)_itemCount), m, _classCount, _mapped, _names);
            return new LabelingResult(matrix, faults, _stopwatch.Elapsed);
        }

        /// <summary>Releases the mapped file of an application that failed: no matrix was handed over.</summary>
        public void Abandon() => _mapped?.Dispose();

        private void LabelRange(IReadOnlyList<TItem> items, int start, int from, int to, int offset, Counters counters)
        {
            ILabelingFunction<TItem>[] functions = _functions;
            bool[] quarantined = _quarantined;
            bool[] batched = _batched;
            Span<sbyte> votes = Votes;
            int m = functions.Length;
            uint limit = (uint)_classCount + 1;
            for (int i = from; i < to; i++)
            {
                if ((i & 1023) == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                TItem item = items[start + i];
                int row = offset + (i * m);
                for (int j = 0; j < m; j++)
                {
                    if (batched[j])
                    {
                        continue;
                    }

                    int vote = Label.Abstain;
                    if (!quarantined[j])
                    {
                        vote = Call(functions[j], item, j, _itemCount + i, counters);
                        if ((uint)(vote + 1) >= limit)
                        {
                            counters.Invalid[j]++;
                            if (counters.IsFirstError(j, _itemCount + i))
                            {
                                counters.FirstErrors[j] = (_itemCount + i, $"Returned {vote} on item {_itemCount + i}; a vote must be -1 or a class index in 0..{_classCount - 1}.");
                            }

                            vote = Label.Abstain;
                        }
                    }

                    votes[row + j] = (sbyte)vote;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Call(ILabelingFunction<TItem> function, TItem item, int column, long itemIndex, Counters counters)
        {
            try
            {
                return function.Apply(item);
            }
#pragma warning disable CA1031 // A labeling function's failure of any kind is an abstain, by contract.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                counters.Exceptions[column]++;
                if (counters.IsFirstError(column, itemIndex))
                {
                    counters.FirstErrors[column] = (itemIndex, $"{ex.GetType().Name} on item {itemIndex}: {ShortenFault(ex.Message)}");
                }

                return Label.Abstain;
            }
        }

        private void Merge(Counters counters)
        {
            for (int j = 0; j < _functions.Length; j++)
            {
                _exceptions[j] += counters.Exceptions[j];
                _invalid[j] += counters.Invalid[j];
                if (counters.FirstErrors[j] is { } error && (_firstErrors[j] is not { } current || error.Item < current.Item))
                {
                    _firstErrors[j] = error;
                }
            }
        }

        private void UpdateQuarantine()
        {
            if (_options.QuarantineFaultRate is not double threshold)
            {
                return;
            }

            for (int j = 0; j < _functions.Length; j++)
            {
                if (!_quarantined[j] && _seen[j] >= _options.QuarantineMinimumItems &&
                    (double)(_exceptions[j] + _invalid[j]) / _seen[j] > threshold)
                {
                    _quarantined[j] = true;
                }
            }
        }

        private void EnsureCapacity(long items)
        {
            long needed = items * _functions.Length;
            if (_mapped is not null)
            {
                if (needed > _mapped.Length)
                {
                    throw new InvalidOperationException($"The source gave more than the {_totalItems} items it counted; the label matrix was sized for them.");
                }

                return;
            }

            if (needed > _votes.Length)
            {
                long grown = Math.Max(needed, Math.Min((long)_votes.Length * 2, Array.MaxLength));
                if (grown < needed)
                {
                    throw new InvalidOperationException($"The label matrix would exceed {Array.MaxLength} votes; label the items in partitions.");
                }

                Array.Resize(ref _votes, (int)grown);
            }
        }
    }

    /// <summary>Fault counters owned by one thread, merged into the run after its ranges are done.</summary>
    private sealed class Counters(int functionCount)
    {
        public long[] Exceptions { get; } = new long[functionCount];

        public long[] Invalid { get; } = new long[functionCount];

        public (long Item, string Message)?[] FirstErrors { get; } = new (long, string)?[functionCount];

        public bool IsFirstError(int column, long item) => FirstErrors[column] is not { } current || item < current.Item;
    }
}
