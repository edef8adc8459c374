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
    private IAsyncEnumerator<SourceItem<TItem>>? _cursor;
    private int _cursorIndex = -1;

    private StreamedItems(IItemSource<TItem> source, int count, int fingerprint, CancellationToken cancellationToken)
    {
        _source = source;
        Count = count;
        _fingerprint = fingerprint;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Gets the number of items, from the first read.</summary>
    public int Count { get; }

    /// <summary>Gets the number of times the source was read so far, the first (counting) read included.</summary>
    public int Reads { get; private set; } = 1;

    /// <summary>Gets the item at an index, moving the cursor forward (or starting a new read to go back).</summary>
    public TItem this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            lock (_lock)
            {
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

    /// <summary>Reads the source once to count and fingerprint its items.</summary>
    /// <exception cref="InvalidOperationException">The source gave no item, or more than a label matrix can hold.</exception>
    public static async Task<StreamedItems<TItem>> OpenAsync(IItemSource<TItem> source, CancellationToken cancellationToken)
    {
        long count = 0;
        var hash = new HashCode();
        await foreach (SourceItem<TItem> item in source.ReadAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Add(ref hash, item);
            if (++count > int.MaxValue)
            {
                throw new InvalidOperationException($"The job's item source holds more than {int.MaxValue:N0} items, more than one label matrix can hold; split the items into several jobs.");
            }
        }

        if (count == 0)
        {
            throw new InvalidOperationException("The job's item source gave no item; a labeling job needs at least one item.");
        }

        return new StreamedItems<TItem>(source, (int)count, hash.ToHashCode(), cancellationToken);
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
            Wait(_cursor?.DisposeAsync() ?? ValueTask.CompletedTask);
            _cursor = null;
        }
    }

    private async IAsyncEnumerable<SourceItem<TItem>> ReadCheckedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
