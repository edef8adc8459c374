using System.Globalization;
using System.Threading.Channels;

namespace Alchemist;

/// <summary>Creates the built-in <see cref="IItemSource{TItem}"/> implementations: over a list in memory, a WRENCH split file, and a CSV or JSON Lines file of text items.</summary>
/// <remarks>
/// The file sources read their file again on every read, record by record, holding a buffer of it rather than its
/// items; each read first checks that the file's length and write time are those of the first read and throws an
/// <see cref="InvalidOperationException"/> naming the file when they are not, so a file changed during a run is never
/// labeled half old and half new. A streamed labeling run reads a file source once, copying its items to a temporary
/// file that its later passes read (after the same check of the file), and deletes the copy when it ends.
/// </remarks>
public static class ItemSource
{
    /// <summary>Creates a source over items held in memory, for tests and for items that are already loaded.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="items">The items; read in order on every read.</param>
    /// <param name="ids">The id of each item; <c>0, 1, 2, ...</c> when <see langword="null"/>.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ids"/> does not hold one id per item.</exception>
    public static IItemSource<TItem> FromList<TItem>(IReadOnlyList<TItem> items, IReadOnlyList<string>? ids = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (ids is not null && ids.Count != items.Count)
        {
            throw new ArgumentException($"{ids.Count} ids were given for {items.Count} items; give one id per item.", nameof(ids));
        }

        return new ListSource<TItem>(items, ids);
    }

    /// <summary>Creates a source over the texts (<c>data.text</c>) of a WRENCH split file, such as a dataset's <c>train.json</c>, with the record keys as ids.</summary>
    /// <param name="path">The split file.</param>
    /// <param name="classCount">The task's number of classes, against which the records' gold labels and votes are checked.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 2.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <remarks>A malformed record, or one without a text, raises a <see cref="DataFormatException"/> while reading, with the checks and messages of <see cref="WrenchDataset.Load(string)"/>.</remarks>
    public static IItemSource<string> FromWrenchSplit(string path, int classCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ThrowIfMissing(path);
        return new WrenchSplitSource(path, classCount);
    }

    /// <summary>Creates a source over the rows of a CSV file (<see cref="TextItemReader.ReadCsv"/>) or a JSON Lines file (<see cref="TextItemReader.ReadJsonLines"/>), chosen by the extension (<c>.csv</c>, <c>.jsonl</c> or <c>.ndjson</c>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Which columns or fields to read; the defaults when <see langword="null"/>.</param>
    /// <param name="unlabeledOnly"><see langword="true"/> to read only the rows without a label (the rows to label, when labeled rows are the seed set); <see langword="false"/> to read every row.</param>
    /// <returns>The source, with each row's id.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank, or its extension is not one of those.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IItemSource<string> FromTextFile(string path, TextItemFileOptions? options = null, bool unlabeledOnly = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ThrowIfMissing(path);
        TextItemFileOptions chosen = options ?? new TextItemFileOptions();
        Func<IEnumerable<TextItem>> read = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => () => TextItemReader.ReadCsv(path, chosen),
            ".jsonl" or ".ndjson" => () => TextItemReader.ReadJsonLines(path, chosen),
            _ => throw new ArgumentException($"The item file '{path}' is neither .csv nor .jsonl (or .ndjson); give items in one of those formats.", nameof(path)),
        };
        return new TextFileSource(path, read, unlabeledOnly);
    }

    private static void ThrowIfMissing(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The item file '{path}' does not exist.", path);
        }
    }

    /// <summary>Turns a synchronous sequence into an asynchronous one whose steps complete synchronously.</summary>
    private sealed class SyncSequence<T>(Func<IEnumerable<T>> open) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(open().GetEnumerator(), cancellationToken);

        private sealed class Enumerator(IEnumerator<T> inner, CancellationToken cancellationToken) : IAsyncEnumerator<T>
        {
            public T Current => inner.Current;

            public ValueTask<bool> MoveNextAsync()
            {
                cancellationToken.ThrowIfCancellationRequested();
                return ValueTask.FromResult(inner.MoveNext());
            }

            public ValueTask DisposeAsync()
            {
                inner.Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    private sealed class ListSource<TItem>(IReadOnlyList<TItem> items, IReadOnlyList<string>? ids) : IItemSource<TItem>
    {
        public IAsyncEnumerable<SourceItem<TItem>> ReadAsync(CancellationToken cancellationToken = default) => new SyncSequence<SourceItem<TItem>>(Read);

        private IEnumerable<SourceItem<TItem>> Read()
        {
            for (int i = 0; i < items.Count; i++)
            {
                yield return new SourceItem<TItem>(ids?[i] ?? i.ToString(CultureInfo.InvariantCulture), items[i]);
            }
        }
    }

    /// <summary>Remembers a file's length and write time at the first read and refuses a later read of a changed file.</summary>
    private sealed class FileStamp(string path)
    {
        private readonly Lock _lock = new();
        private (long Length, DateTime Written)? _first;

        public void Check()
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new InvalidOperationException($"The item file '{path}' was removed since it was first read; a streamed run reads its items several times, so the file must stay as it is until the run ends.");
            }

            (long Length, DateTime Written) now = (info.Length, info.LastWriteTimeUtc);
            lock (_lock)
            {
                _first ??= now;
                if (_first.Value != now)
                {
                    throw new InvalidOperationException(
                        $"The item file '{path}' changed since it was first read ({_first.Value.Length:N0} bytes written at {_first.Value.Written:O}, now {now.Length:N0} bytes written at {now.Written:O}); " +
                        "a streamed run reads its items several times, so the file must stay as it is until the run ends.");
                }
            }
        }
    }

    private sealed class TextFileSource(string path, Func<IEnumerable<TextItem>> read, bool unlabeledOnly) : IItemSource<string>, IFileItemSource
    {
        private readonly FileStamp _stamp = new(path);

        public void ThrowIfChanged() => _stamp.Check();

        public IAsyncEnumerable<SourceItem<string>> ReadAsync(CancellationToken cancellationToken = default)
        {
            _stamp.Check();
            return new SyncSequence<SourceItem<string>>(Read);
        }

        private IEnumerable<SourceItem<string>> Read()
        {
            foreach (TextItem row in read())
            {
                if (!unlabeledOnly || row.Label is null)
                {
                    yield return new SourceItem<string>(row.Id, row.Text);
                }
            }
        }
    }

    /// <summary>Reads a WRENCH split with <see cref="WrenchSplitReader"/> on a thread of its own, handing its records over in batches between two reads of the file, so no more than a few buffers of records are held.</summary>
    private sealed class WrenchSplitSource(string path, int classCount) : IItemSource<string>, IFileItemSource
    {
        private readonly FileStamp _stamp = new(path);

        public void ThrowIfChanged() => _stamp.Check();

        public IAsyncEnumerable<SourceItem<string>> ReadAsync(CancellationToken cancellationToken = default)
        {
            _stamp.Check();
            return ReadCoreAsync(cancellationToken);
        }

        private async IAsyncEnumerable<SourceItem<string>> ReadCoreAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var channel = Channel.CreateBounded<SourceItem<string>[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task producer = Task.Run(() => Produce(channel.Writer, stop.Token), CancellationToken.None);
            try
            {
                await foreach (SourceItem<string>[] batch in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    foreach (SourceItem<string> item in batch)
                    {
                        yield return item;
                    }
                }
            }
            finally
            {
                // A reader that stops early stops the producer too; the producer never throws (it completes the channel with its error).
                await stop.CancelAsync().ConfigureAwait(false);
                await producer.ConfigureAwait(false);
            }
        }

        private void Produce(ChannelWriter<SourceItem<string>[]> writer, CancellationToken cancellationToken)
        {
            try
            {
                var reader = new WrenchSplitReader(path, classCount);
                using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
                using var stream = new DrainingStream(file, () => Drain(reader, writer, cancellationToken));
                int? functionCount = null;
                reader.Read(stream, ref functionCount);
                Drain(reader, writer, cancellationToken);
                writer.TryComplete();
            }
            catch (Exception ex)
            {
                writer.TryComplete(ex);
            }
        }

        private void Drain(WrenchSplitReader reader, ChannelWriter<SourceItem<string>[]> writer, CancellationToken cancellationToken)
        {
            if (reader.Ids.Count == 0)
            {
                return;
            }

            var batch = new SourceItem<string>[reader.Ids.Count];
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = new SourceItem<string>(
                    reader.Ids[i],
                    reader.Texts[i] ?? throw new DataFormatException(path, reader.Ids[i], "data.text", "is missing; programs need texts to run on."));
            }

            reader.Ids.Clear();
            reader.Texts.Clear();
            reader.Gold.Clear();
            reader.Votes.Clear();
            if (!writer.TryWrite(batch))
            {
                writer.WriteAsync(batch, cancellationToken).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>A read-only stream that runs an action before each read: the WRENCH reader touches its lists only between reads.</summary>
    private sealed class DrainingStream(Stream inner, Action beforeRead) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            beforeRead();
            return inner.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            beforeRead();
            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
