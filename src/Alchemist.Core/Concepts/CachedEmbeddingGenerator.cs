using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>
/// A text embedding generator that asks the generator it wraps only for texts it has not embedded yet: repeated texts
/// (within a call and across calls) are embedded once, and, with a cache folder, texts embedded by an earlier run are
/// read from disk, keyed by the generator's model id and the SHA-256 of each text, as the concept scores' cache is.
/// </summary>
/// <remarks>
/// <para>
/// Give the same instance to <see cref="LabelingPipelineOptions.EmbeddingGenerator"/> and to the end model
/// (<see cref="LogisticRegressionEndModel.ForText"/>): a streamed run then embeds the end model's training sample and
/// each chunk it predicts as it reads them, and the concept scores and the end model share one cache. The vectors
/// are the wrapped generator's, unchanged.
/// </para>
/// <para>
/// Memory: the texts embedded in this process are remembered up to <c>memoryCapacity</c> vectors; past that, a new
/// text is embedded each time it comes. A cache folder is read whole when first used, so its vectors stay in memory
/// for the generator's life. Thread-safe. Disposing writes what was embedded to the cache folder (also written every
/// few thousand new vectors) and disposes the wrapped generator.
/// </para>
/// </remarks>
public sealed class CachedEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The number of new vectors after which the cache folder is written.</summary>
    private const int FlushEvery = 4096;

    private readonly string? _cacheFolder;
    private readonly int _memoryCapacity;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, float[]> _memory = new(StringComparer.Ordinal);
    private EmbeddingDiskCache? _disk;
    private int _unflushed;
    private long _generated;
    private long _fromCache;

    /// <summary>Initializes a new instance of the <see cref="CachedEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The generator asked for the texts not cached.</param>
    /// <param name="cacheFolder">The disk cache folder (one subfolder per model id), or <see langword="null"/> to remember vectors in memory only.</param>
    /// <param name="memoryCapacity">The most vectors remembered in memory; 16,384 (about 25 MB of 384-value vectors) by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="memoryCapacity"/> is negative.</exception>
    public CachedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, string? cacheFolder = null, int memoryCapacity = 16_384)
        : base(innerGenerator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryCapacity);
        _cacheFolder = cacheFolder;
        _memoryCapacity = memoryCapacity;
    }

    /// <summary>Gets the number of texts the wrapped generator was asked for so far.</summary>
    public long Generated => Interlocked.Read(ref _generated);

    /// <summary>Gets the number of texts answered from memory or from the cache folder so far.</summary>
    public long FromCache => Interlocked.Read(ref _fromCache);

    /// <inheritdoc />
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] texts = [.. values];
        var vectors = new float[texts.Length][];
        var missing = new List<string>();
        var missingIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_lock)
        {
            EmbeddingDiskCache? disk = Disk();
            for (int i = 0; i < texts.Length; i++)
            {
                string text = texts[i] ?? throw new ArgumentException("A text is null.", nameof(values));
                if (_memory.TryGetValue(text, out float[]? known) || (disk is not null && disk.TryGet(EmbeddingDiskCache.Key(text), out known)))
                {
                    vectors[i] = known;
                    Remember(text, known);
                }
                else if (missingIndex.TryAdd(text, missing.Count))
                {
                    missing.Add(text);
                }
            }
        }

        Interlocked.Add(ref _fromCache, texts.Length - missing.Count);
        if (missing.Count > 0)
        {
            GeneratedEmbeddings<Embedding<float>> generated = await base.GenerateAsync(missing, options, cancellationToken).ConfigureAwait(false);
            if (generated.Count != missing.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {generated.Count} embeddings for {missing.Count} texts; it must return one per text.");
            }

            Interlocked.Add(ref _generated, missing.Count);
            float[][] made = [.. generated.Select(e => e.Vector.ToArray())];
            lock (_lock)
            {
                EmbeddingDiskCache? disk = Disk();
                for (int j = 0; j < missing.Count; j++)
                {
                    Remember(missing[j], made[j]);
                    if (disk is not null)
                    {
                        disk.Add(EmbeddingDiskCache.Key(missing[j]), made[j]);
                        _unflushed++;
                    }
                }

                if (_unflushed >= FlushEvery)
                {
                    disk?.Flush();
                    _unflushed = 0;
                }
            }

            for (int i = 0; i < texts.Length; i++)
            {
                vectors[i] ??= made[missingIndex[texts[i]]];
            }
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        foreach (float[] vector in vectors)
        {
            embeddings.Add(new Embedding<float>(vector));
        }

        return embeddings;
    }

    /// <summary>Writes what was embedded since the last write to the cache folder; nothing without one. Best effort, as the concept scores' cache.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _disk?.Flush();
            _unflushed = 0;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    /// <summary>Opens the cache folder on first use; the caller holds the lock.</summary>
    private EmbeddingDiskCache? Disk() =>
        _cacheFolder is null ? null : _disk ??= EmbeddingDiskCache.Open(_cacheFolder, ConceptScores<string>.ModelIdOf(InnerGenerator));

    /// <summary>Remembers a vector while there is room; the caller holds the lock.</summary>
    private void Remember(string text, float[] vector)
    {
        if (_memory.Count < _memoryCapacity)
        {
            _memory.TryAdd(text, vector);
        }
    }
}
