using Microsoft.Extensions.AI;

namespace Alchemist;

/// <summary>Asks an embedding generator for the vectors of texts, batch by batch, into one row-major array.</summary>
internal static class EmbeddingFeatures
{
    /// <summary>Generates one embedding per text; every embedding must have <paramref name="expectedDimension"/> values when it is given.</summary>
    public static async ValueTask<(float[] Values, int Dimension)> GenerateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        int batchSize,
        int? expectedDimension,
        CancellationToken cancellationToken)
    {
        float[]? values = null;
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
                ReadOnlySpan<float> vector = embeddings[j].Vector.Span;
                if (dimension == 0)
                {
                    dimension = vector.Length;
                }

                if (vector.Length != dimension || dimension == 0)
                {
                    throw new InvalidOperationException($"The embedding generator returned a vector of {vector.Length} values where {dimension} were expected; every embedding must have the same, non-zero dimension as in training.");
                }

                values ??= new float[(long)texts.Count * dimension <= Array.MaxLength ? texts.Count * dimension : throw new InvalidOperationException("The embeddings do not fit in one array; use fewer items per call.")];
                vector.CopyTo(values.AsSpan(order[start + j] * dimension, dimension));
            }
        }

        return (values ?? [], dimension);
    }
}
