using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Asks an embedding generator for the vectors of texts, batch by batch, shortest texts first.</summary>
internal static class EmbeddingFeatures
{
    /// <summary>Generates one embedding per text into one row-major array; every embedding must have <paramref name="expectedDimension"/> values when it is given.</summary>
    public static async ValueTask<(float[] Values, int Dimension)> GenerateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize,
        int? expectedDimension,
        CancellationToken cancellationToken)
    {
        float[]? values = null;
        int dimension = await ForEachAsync(generator, texts, batchSize, expectedDimension, (index, vector, dimension) =>
        {
            values ??= new float[(long)texts.Count * dimension <= Array.MaxLength ? texts.Count * dimension : throw new InvalidOperationException("The embeddings do not fit in one array; use fewer items per call.")];
            vector.Span.CopyTo(values.AsSpan(index * dimension, dimension));
        }, cancellationToken).ConfigureAwait(false);
        return (values ?? [], dimension);
    }

    /// <summary>Generates one embedding per text and keeps the generator's vectors as they are, without copying them into one array.</summary>
    /// <remarks>
    /// The same batches and the same vectors as <see cref="GenerateAsync"/>. A caching generator that hands out the vectors it
    /// remembers (<see cref="CachedEmbeddingGenerator"/>) then costs a reference per text instead of a copy of its values:
    /// for a predicted chunk of 16,384 texts at 384 values, 25 MB a chunk that the garbage collector would have to take back.
    /// </remarks>
    public static async ValueTask<ReadOnlyMemory<float>[]> GenerateVectorsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize,
        int expectedDimension,
        CancellationToken cancellationToken)
    {
        var vectors = new ReadOnlyMemory<float>[texts.Count];
        await ForEachAsync(generator, texts, batchSize, expectedDimension, (index, vector, _) => vectors[index] = vector, cancellationToken).ConfigureAwait(false);
        return vectors;
    }

    /// <summary>Asks for the texts batch by batch, checks every vector's dimension, and gives each to <paramref name="store"/> with its text's index; returns the dimension (0 when there are no texts).</summary>
    private static async ValueTask<int> ForEachAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize,
        int? expectedDimension,
        Action<int, ReadOnlyMemory<float>, int> store,
        CancellationToken cancellationToken)
    {
        int dimension = expectedDimension ?? 0;

        // Shortest texts first (LengthOrder): a model that pads a batch to its longest text then pads little.
        int[] order = LengthOrder.Of(texts);
        var batch = new List<string>(Math.Min(batchSize, texts.Count));
        for (int start = 0; start < order.Length; start += batchSize)
        {
            batch.Clear();
            int end = Math.Min(order.Length, start + batchSize);
            for (int k = start; k < end; k++)
            {
                batch.Add(texts[order[k]]);
            }

            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(batch, options: null, cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {batch.Count} texts; it must return one per text.");
            }

            for (int j = 0; j < embeddings.Count; j++)
            {
                ReadOnlyMemory<float> vector = embeddings[j].Vector;
                if (dimension == 0)
                {
                    dimension = vector.Length;
                }

                if (vector.Length != dimension || dimension == 0)
                {
                    throw new InvalidOperationException($"The embedding generator returned a vector of {vector.Length} values where {dimension} were expected; every embedding must have the same, non-zero dimension as in training.");
                }

                store(order[start + j], vector, dimension);
            }
        }

        return dimension;
    }
}
