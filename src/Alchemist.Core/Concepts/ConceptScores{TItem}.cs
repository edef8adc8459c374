using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>
/// A run's concept scores: the embeddings of every item the run's programs are applied to (computed once, in batches),
/// the class prototypes of the seed set, and a column of similarities per phrase the programs name, added as they are
/// compiled. <see cref="For"/> gives an item's <see cref="Concepts"/>.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// Thread-safe. Items are found by value (<see cref="EqualityComparer{T}.Default"/>): a string by its text, a record by
/// its members. Phrases are embedded by the text generator, items by the item generator (the same one for text items),
/// which must embed into the same space.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "A SemaphoreSlim whose wait handle is never asked for holds nothing to dispose.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A SemaphoreSlim whose wait handle is never asked for holds nothing to dispose.")]
internal sealed class ConceptScores<TItem>
{
    /// <summary>The number of texts or items sent to a generator in one call.</summary>
    public const int BatchSize = 64;

    private readonly Dictionary<ItemKey, int> _rows;
    private readonly float[] _vectors;
    private readonly int _dimension;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _phraseGenerator;
    private readonly string? _cacheFolder;
    private readonly SemaphoreSlim _addLock = new(1, 1);
    private readonly IEmbeddingGenerator<TItem, Embedding<float>> _itemGenerator;
    private readonly float[]?[] _centroids;
    private readonly Dictionary<string, float[]> _phraseUnits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmbeddingDiskCache> _caches = new(StringComparer.Ordinal);
    private ConceptTable _table;
    private ConceptWindow[] _windows = [];
    private long _embeddingTicks;
    private int _windowItems;

    private ConceptScores(
        Dictionary<ItemKey, int> rows,
        float[] vectors,
        int dimension,
        ConceptTable table,
        float[]?[] centroids,
        IEmbeddingGenerator<TItem, Embedding<float>> itemGenerator,
        IEmbeddingGenerator<string, Embedding<float>> phraseGenerator,
        string? cacheFolder)
    {
        _rows = rows;
        _vectors = vectors;
        _dimension = dimension;
        _table = table;
        _centroids = centroids;
        _itemGenerator = itemGenerator;
        _phraseGenerator = phraseGenerator;
        _cacheFolder = cacheFolder;
    }

    /// <summary>Gets the current table: every phrase embedded so far.</summary>
    public ConceptTable Table => Volatile.Read(ref _table);

    /// <summary>Gets the number of distinct items scored before the items were labeled, plus, in a streamed run, the distinct items of each block scored as it was read (<see cref="StreamAsync"/>).</summary>
    public int ItemCount => _rows.Count + Volatile.Read(ref _windowItems);

    /// <summary>Gets the model id of the generator that embedded the items.</summary>
    public string ModelId { get; private init; } = "";

    /// <summary>Gets the number of classes with a prototype.</summary>
    public int PrototypeCount => Table.PrototypeColumns.Count(p => p is not null);

    /// <summary>Gets the dimension of the embeddings.</summary>
    public int Dimension => _dimension;

    /// <summary>Gets the time spent embedding (items and phrases, the cache reads included).</summary>
    public TimeSpan EmbeddingTime => TimeSpan.FromTicks(Interlocked.Read(ref _embeddingTicks));

    /// <summary>Gets the number of embeddings the generators were asked for (the rest came from the disk cache).</summary>
    public int Generated { get; private set; }

    /// <summary>Gets the number of embeddings read from the disk cache.</summary>
    public int FromCache { get; private set; }

    /// <summary>Embeds the items and the seed prototypes.</summary>
    /// <param name="items">Every item the run's programs are applied to; repeats are embedded once.</param>
    /// <param name="seed">The labeled seed items, whose class centroids are the prototypes.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="itemGenerator">Embeds the items.</param>
    /// <param name="phraseGenerator">Embeds phrases, in the same space.</param>
    /// <param name="cacheFolder">The disk cache folder, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    public static async Task<ConceptScores<TItem>> CreateAsync(
        IEnumerable<TItem> items,
        IReadOnlyList<LabeledExample<TItem>> seed,
        int classCount,
        IEmbeddingGenerator<TItem, Embedding<float>> itemGenerator,
        IEmbeddingGenerator<string, Embedding<float>> phraseGenerator,
        string? cacheFolder,
        CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var rows = new Dictionary<ItemKey, int>();
        var distinct = new List<TItem>();
        foreach (TItem item in items.Concat(seed.Select(e => e.Item)))
        {
            if (item is not null && rows.TryAdd(new ItemKey(item), distinct.Count))
            {
                distinct.Add(item);
            }
        }

        var counts = new Counts();
        var caches = new Dictionary<string, EmbeddingDiskCache>(StringComparer.Ordinal);
        (float[] vectors, int dimension) = await EmbedAsync(itemGenerator, distinct, KeyText, Cache(caches, cacheFolder, itemGenerator), counts, cancellationToken).ConfigureAwait(false);
        (float[]?[] prototypes, float[]?[] centroids) = Prototypes(rows, vectors, dimension, seed, classCount);
        var scores = new ConceptScores<TItem>(rows, vectors, dimension, ConceptTable.Create(distinct.Count, [], [], prototypes), centroids, itemGenerator, phraseGenerator, cacheFolder)
        {
            Generated = counts.Generated,
            FromCache = counts.FromCache,
            ModelId = ModelIdOf(itemGenerator),
        };
        foreach (KeyValuePair<string, EmbeddingDiskCache> cache in caches)
        {
            scores._caches.Add(cache.Key, cache.Value);
        }

        scores._embeddingTicks = Stopwatch.GetElapsedTime(started).Ticks;
        return scores;
    }

    /// <summary>
    /// Derives the concept scores of a run over some of these items with another seed set (a fold run of the final
    /// check): the same item vectors and phrase columns, nothing embedded again, and the prototypes of
    /// <paramref name="seed"/>, so every item's scores are those the run would compute by embedding its items itself.
    /// </summary>
    /// <param name="seed">The run's seed items.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The scores; <see langword="null"/> when some seed item was not embedded here or when items were scored block by block as a stream was read (<see cref="StreamAsync"/>), whose vectors are not kept.</returns>
    public ConceptScores<TItem>? ForSeedSet(IReadOnlyList<LabeledExample<TItem>> seed, int classCount)
    {
        if (Volatile.Read(ref _windowItems) > 0 || seed.Any(e => e.Item is null || !_rows.ContainsKey(new ItemKey(e.Item))))
        {
            return null;
        }

        ConceptTable table = Table;
        (float[]?[] prototypes, float[]?[] centroids) = Prototypes(_rows, _vectors, _dimension, seed, classCount);
        var derived = new ConceptScores<TItem>(
            _rows,
            _vectors,
            _dimension,
            ConceptTable.Create(_rows.Count, table.Phrases, [.. table.Phrases.Select(p => table.Column(p)!)], prototypes),
            centroids,
            _itemGenerator,
            _phraseGenerator,
            _cacheFolder)
        {
            ModelId = ModelId,
        };
        // The run these scores belong to adds no phrase while its fold runs run (they run after its own end model).
        foreach (KeyValuePair<string, float[]> unit in _phraseUnits)
        {
            derived._phraseUnits.Add(unit.Key, unit.Value);
        }

        return derived;
    }

    /// <summary>Gets an item's concept scores; for an item the run did not embed, scores that fault on every lookup.</summary>
    public Concepts For(TItem item) => TryGetScores(item, out ConceptTable? table, out int row) ? new Concepts(table, row) : default;

    /// <summary>Finds an item's table and row: its row of <see cref="Table"/> when it was scored before the items were labeled, else its row in the table of the block being read (<see cref="StreamAsync"/>).</summary>
    public bool TryGetScores(TItem item, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConceptTable? table, out int row)
    {
        if (TryGetRow(item, out row))
        {
            table = Table;
            return true;
        }

        if (item is not null)
        {
            var key = new ItemKey(item);
            foreach (ConceptWindow window in Volatile.Read(ref _windows))
            {
                if (window.Rows.TryGetValue(key, out row))
                {
                    table = window.Table;
                    return true;
                }
            }
        }

        table = null;
        row = -1;
        return false;
    }

    /// <summary>Finds an item's row in the table.</summary>
    public bool TryGetRow(TItem item, out int row)
    {
        row = -1;
        return item is not null && _rows.TryGetValue(new ItemKey(item), out row);
    }

    /// <summary>Gets the normalized embedding of an item's row.</summary>
    public ReadOnlySpan<float> Vector(int row) => _vectors.AsSpan(row * _dimension, _dimension);

    /// <summary>Embeds the phrases not embedded yet and adds their columns.</summary>
    public async Task AddPhrasesAsync(IEnumerable<string> phrases, CancellationToken cancellationToken)
    {
        await _addLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConceptTable table = Table;
            List<string> missing = [.. phrases.Distinct(StringComparer.Ordinal).Where(p => !table.Contains(p))];
            if (missing.Count == 0)
            {
                return;
            }

            long started = Stopwatch.GetTimestamp();
            var counts = new Counts();
            (float[] embedded, int dimension) = await EmbedAsync(_phraseGenerator, missing, static p => p, Cache(_caches, _cacheFolder, _phraseGenerator), counts, cancellationToken).ConfigureAwait(false);
            if (dimension != _dimension && _rows.Count > 0)
            {
                throw new InvalidOperationException($"The phrase embeddings have {dimension} values and the item embeddings {_dimension}: phrases and items must be embedded by generators of the same space.");
            }

            var columns = new float[missing.Count][];
            for (int p = 0; p < missing.Count; p++)
            {
                columns[p] = Similarities(embedded.AsSpan(p * dimension, dimension));
                _phraseUnits[missing[p]] = embedded.AsSpan(p * dimension, dimension).ToArray();
            }

            Volatile.Write(ref _table, table.With(missing, columns));
            Generated += counts.Generated;
            FromCache += counts.FromCache;
            Interlocked.Add(ref _embeddingTicks, Stopwatch.GetElapsedTime(started).Ticks);
        }
        finally
        {
            _addLock.Release();
        }
    }

    /// <summary>
    /// Scores the items of a streamed run as they are read, block by block, for the programs that label them: before a
    /// block is given out, its distinct items that were not scored before (<see cref="Table"/>) are embedded (through
    /// the disk cache) and given a table of their own, with a column per phrase embedded so far and per class prototype,
    /// the values the whole-run table would hold. The last two blocks' tables are kept, so an applier that labels chunks
    /// of at most <paramref name="blockSize"/> items before it reads on always finds the items it holds.
    /// </summary>
    /// <param name="items">The items, read once.</param>
    /// <param name="blockSize">The number of items scored at a time; at least the applier's chunk size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async IAsyncEnumerable<TItem> StreamAsync(IAsyncEnumerable<TItem> items, int blockSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        Volatile.Write(ref _windows, []);
        var block = new List<TItem>(blockSize);
        await foreach (TItem item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            block.Add(item);
            if (block.Count == blockSize)
            {
                await AddWindowAsync(block, cancellationToken).ConfigureAwait(false);
                foreach (TItem scored in block)
                {
                    yield return scored;
                }

                block.Clear();
            }
        }

        if (block.Count > 0)
        {
            await AddWindowAsync(block, cancellationToken).ConfigureAwait(false);
            foreach (TItem scored in block)
            {
                yield return scored;
            }
        }
    }

    /// <summary>Scores one block of a streamed run and keeps its table beside the previous block's.</summary>
    private async Task AddWindowAsync(List<TItem> block, CancellationToken cancellationToken)
    {
        await _addLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long started = Stopwatch.GetTimestamp();
            var rows = new Dictionary<ItemKey, int>();
            var distinct = new List<TItem>();
            foreach (TItem item in block)
            {
                if (item is not null && !_rows.ContainsKey(new ItemKey(item)) && rows.TryAdd(new ItemKey(item), distinct.Count))
                {
                    distinct.Add(item);
                }
            }

            var counts = new Counts();
            (float[] vectors, int dimension) = await EmbedAsync(_itemGenerator, distinct, KeyText, Cache(_caches, _cacheFolder, _itemGenerator), counts, cancellationToken).ConfigureAwait(false);
            if (distinct.Count > 0 && dimension != _dimension)
            {
                throw new InvalidOperationException($"The item embeddings have {dimension} values where the run's earlier ones had {_dimension}: every embedding must have the same dimension.");
            }

            ConceptTable table = Table;
            var columns = new float[table.Phrases.Count][];
            for (int p = 0; p < columns.Length; p++)
            {
                columns[p] = Dots(vectors, distinct.Count, _phraseUnits[table.Phrases[p]]);
            }

            var prototypes = new float[]?[table.PrototypeColumns.Count];
            for (int k = 0; k < prototypes.Length; k++)
            {
                prototypes[k] = _centroids[k] is { } centroid ? Dots(vectors, distinct.Count, centroid) : null;
            }

            var window = new ConceptWindow(rows, ConceptTable.Create(distinct.Count, table.Phrases, columns, prototypes));
            ConceptWindow[] previous = Volatile.Read(ref _windows);
            Volatile.Write(ref _windows, previous.Length == 0 ? [window] : [previous[^1], window]);
            Generated += counts.Generated;
            FromCache += counts.FromCache;
            Interlocked.Add(ref _windowItems, distinct.Count);
            Interlocked.Add(ref _embeddingTicks, Stopwatch.GetElapsedTime(started).Ticks);
        }
        finally
        {
            _addLock.Release();
        }
    }

    /// <summary>The dot product of each of <paramref name="count"/> row-major vectors with a normalized vector.</summary>
    private float[] Dots(float[] vectors, int count, float[] unit)
    {
        var column = new float[count];
        for (int row = 0; row < count; row++)
        {
            column[row] = TensorPrimitives.Dot(vectors.AsSpan(row * _dimension, _dimension), unit);
        }

        return column;
    }

    /// <summary>The cosine similarity of every item to a normalized vector.</summary>
    private float[] Similarities(ReadOnlySpan<float> unit)
    {
        var column = new float[_rows.Count];
        for (int row = 0; row < column.Length; row++)
        {
            column[row] = TensorPrimitives.Dot(Vector(row), unit);
        }

        return column;
    }

    /// <summary>The class centroids of the seed items; a seed item is compared with the centroid of the other seed items of its class, so that it does not vote for itself.</summary>
    private static (float[]?[] Columns, float[]?[] Centroids) Prototypes(Dictionary<ItemKey, int> rows, float[] vectors, int dimension, IReadOnlyList<LabeledExample<TItem>> seed, int classCount)
    {
        if (seed.Count == 0)
        {
            return ([], []);
        }

        var sums = new float[classCount][];
        var members = new List<int>[classCount];
        foreach (LabeledExample<TItem> example in seed)
        {
            if (example.Label < 0 || example.Label >= classCount || example.Item is null || !rows.TryGetValue(new ItemKey(example.Item), out int row))
            {
                continue;
            }

            sums[example.Label] ??= new float[dimension];
            (members[example.Label] ??= []).Add(row);
            TensorPrimitives.Add(sums[example.Label], vectors.AsSpan(row * dimension, dimension), sums[example.Label]);
        }

        int n = rows.Count;
        var columns = new float[]?[classCount];
        var centroids = new float[]?[classCount];
        for (int k = 0; k < classCount; k++)
        {
            if (sums[k] is not { } sum)
            {
                continue;
            }

            float[] column = columns[k] = new float[n];
            float[] centroid = centroids[k] = new float[dimension];
            Normalize(sum, centroid);
            for (int row = 0; row < n; row++)
            {
                column[row] = TensorPrimitives.Dot(vectors.AsSpan(row * dimension, dimension), centroid);
            }

            foreach (int row in members[k].Distinct())
            {
                // Leave the item out of its own class's centroid (every copy of it among the seed items).
                int copies = members[k].Count(r => r == row);
                if (copies == members[k].Count)
                {
                    column[row] = 0;
                    continue;
                }

                var others = new float[dimension];
                TensorPrimitives.MultiplyAdd(vectors.AsSpan(row * dimension, dimension), -copies, sum, others);
                Normalize(others, others);
                column[row] = TensorPrimitives.Dot(vectors.AsSpan(row * dimension, dimension), others);
            }
        }

        return (columns, centroids);
    }

    private static void Normalize(ReadOnlySpan<float> source, Span<float> target)
    {
        float norm = TensorPrimitives.Norm(source);
        if (norm > 0 && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(source, norm, target);
        }
        else
        {
            target.Clear();
        }
    }

    /// <summary>The text an item's cache key is made from: a string itself, any other item its JSON.</summary>
    private static string KeyText(TItem item) => item is string text ? text : JsonSerializer.Serialize(item, item!.GetType());

    /// <summary>Embeds values in batches through the disk cache; returns the normalized vectors, row-major.</summary>
    private static async Task<(float[] Vectors, int Dimension)> EmbedAsync<T>(
        IEmbeddingGenerator<T, Embedding<float>> generator, IReadOnlyList<T> values, Func<T, string> keyText, EmbeddingDiskCache? cache, Counts counts, CancellationToken cancellationToken)
    {
        var vectors = new float[values.Count][];
        var keys = new string[values.Count];
        var missing = new List<int>();
        for (int i = 0; i < values.Count; i++)
        {
            keys[i] = EmbeddingDiskCache.Key(keyText(values[i]));
            if (cache is not null && cache.TryGet(keys[i], out float[] cached))
            {
                vectors[i] = cached;
                counts.FromCache++;
            }
            else
            {
                missing.Add(i);
            }
        }

        // Texts go shortest first (LengthOrder): a model that pads a batch to its longest text then pads little.
        int[] order = values is IReadOnlyList<string> texts ? LengthOrder.Of(texts, missing) : [.. missing];
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            ArraySegment<int> batch = new(order, start, Math.Min(BatchSize, order.Length - start));
            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync([.. batch.Select(i => values[i])], options: null, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {batch.Count} values; it must return one per value.");
            }

            for (int j = 0; j < batch.Count; j++)
            {
                float[] vector = embeddings[j].Vector.ToArray();
                vectors[batch[j]] = vector;
                cache?.Add(keys[batch[j]], vector);
            }

            counts.Generated += batch.Count;
        }

        cache?.Flush();
        int dimension = values.Count == 0 ? 0 : vectors[0].Length;
        var flat = new float[checked(values.Count * dimension)];
        for (int i = 0; i < values.Count; i++)
        {
            if (vectors[i].Length != dimension || dimension == 0)
            {
                throw new InvalidOperationException($"The embedding generator returned a vector of {vectors[i].Length} values where {dimension} were expected; every embedding must have the same, non-zero dimension.");
            }

            Normalize(vectors[i], flat.AsSpan(i * dimension, dimension));
        }

        return (flat, dimension);
    }

    /// <summary>The disk cache of a generator's model under the cache folder, opened (read) once per run; <see langword="null"/> without a folder.</summary>
    private static EmbeddingDiskCache? Cache<T>(Dictionary<string, EmbeddingDiskCache> caches, string? cacheFolder, IEmbeddingGenerator<T, Embedding<float>> generator)
    {
        if (cacheFolder is null)
        {
            return null;
        }

        string modelId = ModelIdOf(generator);
        lock (caches)
        {
            if (!caches.TryGetValue(modelId, out EmbeddingDiskCache? cache))
            {
                cache = EmbeddingDiskCache.Open(cacheFolder, modelId);
                caches.Add(modelId, cache);
            }

            return cache;
        }
    }

    /// <summary>Gets the model id that keys a generator's disk cache: its metadata's default model id, or its type name.</summary>
    internal static string ModelIdOf<T>(IEmbeddingGenerator<T, Embedding<float>> generator) =>
        generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? generator.GetType().FullName ?? "embeddings";

    /// <summary>The scores of one block of a streamed run: its items' rows and their table.</summary>
    private sealed record ConceptWindow(Dictionary<ItemKey, int> Rows, ConceptTable Table);

    /// <summary>An item as a dictionary key, compared by <see cref="EqualityComparer{T}.Default"/>.</summary>
    private readonly record struct ItemKey(TItem Item);

    private sealed class Counts
    {
        public int Generated { get; set; }

        public int FromCache { get; set; }
    }
}
