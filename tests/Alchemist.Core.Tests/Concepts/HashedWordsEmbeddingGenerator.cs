using System.Text;
using Microsoft.Extensions.AI;

namespace Alchemist.Tests.ConceptPrograms;

/// <summary>
/// A deterministic embedding generator for tests: a text's words (runs of letters and digits, lower-cased) hashed
/// into 64 buckets, as a unit vector. Texts that share words are similar; a phrase is close to the texts that use its
/// words. Counts what it was asked for.
/// </summary>
internal sealed class HashedWordsEmbeddingGenerator(string modelId = "hashed-words-64") : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 64;

    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, modelId, Dimensions);
    private int _calls;
    private int _embedded;

    public int Calls => Volatile.Read(ref _calls);

    public int Embedded => Volatile.Read(ref _embedded);

    /// <summary>Gets every text asked for, in the order asked.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Asked { get; } = new();

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        var word = new StringBuilder();
        foreach (char c in text + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (word.Length > 0)
            {
                uint hash = 2166136261;
                foreach (char w in word.ToString())
                {
                    hash = (hash ^ w) * 16777619;
                }

                vector[hash % Dimensions] += 1;
                word.Clear();
            }
        }

        float norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string value in values)
        {
            Interlocked.Increment(ref _embedded);
            Asked.Enqueue(value);
            embeddings.Add(new Embedding<float>(Embed(value)));
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}

/// <summary>The same space for records: a review embeds as its text does, as an image model's items embed beside its text tower's phrases.</summary>
internal sealed class ReviewEmbeddingGenerator : IEmbeddingGenerator<Alchemist.TestItems.Review, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, "hashed-reviews-64", HashedWordsEmbeddingGenerator.Dimensions);

    public int Embedded { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<Alchemist.TestItems.Review> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (Alchemist.TestItems.Review value in values)
        {
            Embedded++;
            embeddings.Add(new Embedding<float>(HashedWordsEmbeddingGenerator.Embed(value.Text)));
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}
