using System.Collections;
using System.Runtime.CompilerServices;

namespace Alchemist;

/// <summary>
/// The items of a streamed run (<see cref="LabelingJob{TItem}.Source"/>): counted and fingerprinted by a first read,
/// then read again chunk by chunk for each stage that needs every item, each whole read checked against the first so a
/// source that changed is refused, never mislabeled.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// As a list it serves the code that takes a sample of the items (the gate sample, the synthesizers' unlabeled sample,
/// the direct-labeling estimate) without holding them: the indexer moves a cursor forward through a read of the source,
/// and starts a new read only to go back. That is cheap for ascending indices, which is how samples are taken; the
/// indexer is not thread-safe beyond its lock and blocks on the source when it is truly asynchronous.
/// </remarks>
internal sealed class StreamedItems<TItem> : IReadOnlyList<TItem>, IDisposable
{
    /// <summary>The number of items per chunk of the passes over every item.</summary>
    public const int ChunkSize = 16_384;

    private readonly IItemSource<TItem> _source;
    private readonly CancellationToken _cancellationToken;
    private readonly int _fingerprint;
    private readonly Lock _lock = new();
    private readonly ItemSpool? _spool;
    private IAsyncEnumerator<SourceItem<TItem>>? _cursor;
    private int _cursorIndex = -1;
    private ItemSpool.Reader? _spoolCursor;
    private int _spoolCursorIndex = -1;
    private string? _spoolCursorText;

    private StreamedItems(IItemSource<TItem> source, int count, int fingerprint, ItemSpool? spool, string? spoolError, CancellationToken cancellationToken)
    {
        _source = source;
        Count = count;
        _fingerprint = fingerprint;
        _spool = spool;
        SpoolError = spoolError;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Gets the number of items, from the first read.</summary>
    public int Count { get; }

    /// <summary>Gets the number of times the source was read so far, the first (counting) read included.</summary>
    public int Reads { get; private set; } = 1;

    /// <summary>Gets the number of passes read from the spool (the copy of the first read) instead of the source.</summary>
    public int SpoolReads { get; private set; }

    /// <summary>Gets whether the later passes read the copy of the first read (<see cref="ItemSpool"/>) rather than the source.</summary>
    public bool Spooled => _spool is not null;

    /// <summary>Gets why a file source's items could not be copied (so every pass reads the source), or <see langword="null"/>.</summary>
    public string? SpoolError { get; }

    /// <summary>Gets the item at an index, moving the cursor forward (or starting a new read to go back).</summary>
    public TItem this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            lock (_lock)
            {
                if (_spool is not null)
                {
                    return SpooledAt(index);
                }

                if (_cursor is null || index < _cursorIndex)
                {
                    Wait(_cursor?.DisposeAsync() ?? ValueTask.CompletedTask);
                    _cursor = Open().GetAsyncEnumerator(_cancellationToken);
                    _cursorIndex = -1;
                }

                while (_cursorIndex < index)
                {
                    if (!Wait(_cursor.MoveNextAsync()))
                    {
                        throw Changed($"a later read ended after {_cursorIndex + 1:N0}");
                    }

                    _cursorIndex++;
                }

                return _cursor.Current.Item;
            }
        }
    }

    /// <summary>
    /// Reads the source once to count and fingerprint its items. A built-in file source of texts (<see cref="IFileItemSource"/>)
    /// is also copied to an <see cref="ItemSpool"/> in <paramref name="spoolDirectory"/> on this read, and every later pass
    /// reads the copy (after asking the source whether its file changed) instead of parsing the file again.
    /// </summary>
    /// <param name="source">The source.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="spoolDirectory">Where the copy goes; the system's temporary folder when <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">The source gave no item, or more than a label matrix can hold.</exception>
    public static async Task<StreamedItems<TItem>> OpenAsync(IItemSource<TItem> source, CancellationToken cancellationToken, string? spoolDirectory = null)
    {
        long count = 0;
        var hash = new HashCode();
        string? spoolError = null;
        ItemSpool? spool = null;
        if (typeof(TItem) == typeof(string) && source is IFileItemSource)
        {
            (spool, spoolError) = TryCreateSpool(spoolDirectory);
        }

        try
        {
            await foreach (SourceItem<TItem> item in source.ReadAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                Add(ref hash, item);
                if (++count > int.MaxValue)
                {
                    throw new InvalidOperationException($"The job's item source holds more than {int.MaxValue:N0} items, more than one label matrix can hold; split the items into several jobs.");
                }

                if (spool is not null && !TryAppend(spool, item, out spoolError))
                {
                    spool.Dispose();
                    spool = null;
                }
            }

            if (count == 0)
            {
                throw new InvalidOperationException("The job's item source gave no item; a labeling job needs at least one item.");
            }

            if (spool is not null && !TryComplete(spool, out spoolError))
            {
                spool.Dispose();
                spool = null;
            }

            return new StreamedItems<TItem>(source, (int)count, hash.ToHashCode(), spool, spoolError, cancellationToken);
        }
        catch
        {
            spool?.Dispose();
            throw;
        }
    }

    /// <summary>Reads every item once more, in chunks of <see cref="ChunkSize"/> (the arrays are reused: each chunk is valid until the next), checking the read against the first.</summary>
    /// <exception cref="InvalidOperationException">The source changed since the first read.</exception>
    public async IAsyncEnumerable<Chunk> ChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ids = new string[Math.Min(ChunkSize, Count)];
        var items = new TItem[ids.Length];
        int filled = 0;
        long start = 0;
        await foreach (SourceItem<TItem> item in ReadCheckedAsync(cancellationToken).ConfigureAwait(false))
        {
            ids[filled] = item.Id;
            items[filled++] = item.Item;
            if (filled == ids.Length)
            {
                yield return new Chunk(start, ids, items, filled);
                start += filled;
                filled = 0;
            }
        }

        if (filled > 0)
        {
            yield return new Chunk(start, ids, items, filled);
        }
    }

    /// <summary>Reads every item once more, checking the read against the first.</summary>
    /// <exception cref="InvalidOperationException">The source changed since the first read.</exception>
    public async IAsyncEnumerable<TItem> ItemsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (SourceItem<TItem> item in ReadCheckedAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item.Item;
        }
    }

    /// <summary>Reads every item once more, checking the read against the first.</summary>
    public IEnumerator<TItem> GetEnumerator()
    {
        IAsyncEnumerator<TItem> read = ItemsAsync(_cancellationToken).GetAsyncEnumerator(_cancellationToken);
        try
        {
            while (Wait(read.MoveNextAsync()))
            {
                yield return read.Current;
            }
        }
        finally
        {
            Wait(read.DisposeAsync());
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Ends the cursor's read.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            try
            {
                Wait(_cursor?.DisposeAsync() ?? ValueTask.CompletedTask);
            }
            finally
            {
                _cursor = null;
                _spoolCursor = null;
                _spoolCursorText = null;
                _spoolCursorIndex = -1;
                _spool?.Dispose();
            }
        }
    }

    private async IAsyncEnumerable<SourceItem<TItem>> ReadCheckedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_spool is not null)
        {
            // The copy of the first read, which nothing else can change; the file it came from is checked first.
            ItemSpool.Reader reader = OpenSpool();
            while (reader.Read(out string id, out string text))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new SourceItem<TItem>(id, (TItem)(object)text);
            }

            yield break;
        }

        long count = 0;
        var hash = new HashCode();
        await foreach (SourceItem<TItem> item in Open().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (++count > Count)
            {
                throw Changed($"a later read gave more than {Count:N0}");
            }

            Add(ref hash, item);
            yield return item;
        }

        if (count != Count)
        {
            throw Changed($"a later read gave {count:N0}");
        }

        if (hash.ToHashCode() != _fingerprint)
        {
            throw Changed("a later read gave as many, but with other ids or items");
        }
    }

    private IAsyncEnumerable<SourceItem<TItem>> Open()
    {
        Reads++;
        return _source.ReadAsync(_cancellationToken);
    }

    private ItemSpool.Reader OpenSpool()
    {
        ((IFileItemSource)_source).ThrowIfChanged();
        SpoolReads++;
        return _spool!.OpenReader();
    }

    /// <summary>The item at an index, from the spool: the cursor skips to it without decoding the items between.</summary>
    private TItem SpooledAt(int index)
    {
        if (index == _spoolCursorIndex)
        {
            return (TItem)(object)_spoolCursorText!;
        }

        if (_spoolCursor is null)
        {
            _spoolCursor = OpenSpool();
        }
        else if (index < _spoolCursorIndex)
        {
            // Going back starts a new pass, as a new read of the source would: the file is checked again; the reader
            // (and its buffer) is reused and seeks back from the nearest kept offset.
            ((IFileItemSource)_source).ThrowIfChanged();
            SpoolReads++;
        }

        _spoolCursor.Seek(index);
        if (!_spoolCursor.Read(out _, out string text))
        {
            throw new InvalidOperationException($"The item spool ended before item {index:N0} of {Count:N0}.");
        }

        _spoolCursorIndex = index;
        _spoolCursorText = text;
        return (TItem)(object)text;
    }

    private static (ItemSpool? Spool, string? Error) TryCreateSpool(string? directory)
    {
        try
        {
            return (ItemSpool.Create(directory), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, SpoolFailed(ex));
        }
    }

    private static bool TryAppend(ItemSpool spool, SourceItem<TItem> item, out string? error)
    {
        try
        {
            spool.Append(item.Id, (string)(object)item.Item!);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error = SpoolFailed(ex);
            return false;
        }
    }

    private static bool TryComplete(ItemSpool spool, out string? error)
    {
        try
        {
            spool.Complete();
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = SpoolFailed(ex);
            return false;
        }
    }

    private static string SpoolFailed(Exception ex) =>
        $"The items could not be copied to a temporary file ({ex.GetType().Name}: {ex.Message}), so the item file was read and parsed again at every pass over the items; " +
        "free space in the temporary folder (TMPDIR) to make the run faster.";

    private InvalidOperationException Changed(string what) => new(
        $"The job's item source changed between reads: the first read gave {Count:N0} items, {what}. A streamed run reads its items several times " +
        "and they must stay the same until it ends; labels already written to the sink are not to be trusted.");

    private static void Add(ref HashCode hash, SourceItem<TItem> item)
    {
        hash.Add(item.Id, StringComparer.Ordinal);
        hash.Add(item.Item);
    }

    private static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>One chunk of consecutive items with their ids; the arrays may be longer than <see cref="Count"/>.</summary>
    public readonly record struct Chunk(long Start, string[] Ids, TItem[] Items, int Count)
    {
        /// <summary>Gets the chunk's items, exactly <see cref="Count"/> of them.</summary>
        public ArraySegment<TItem> ItemList => new(Items, 0, Count);

        /// <summary>Gets the chunk's ids, exactly <see cref="Count"/> of them.</summary>
        public ArraySegment<string> IdList => new(Ids, 0, Count);
    }
}
