using Microsoft.Extensions.AI;

namespace Alchemist.Tests.ConceptPrograms;

/// <summary>Texts go to an embedding generator shortest first (less padding in a transformer's batches), and every vector still lands on its own item.</summary>
public sealed class LengthOrderTests
{
    // Lengths deliberately out of order, with ties, across more than one batch of the concept stage (64).
    private static readonly string[] Items =
        [.. Enumerable.Range(0, 150).Select(i => string.Join(' ', Enumerable.Repeat(i % 3 == 0 ? "subscribe" : "song", 1 + (i * 7 % 11))) + $" {i % 5}")];

    [Fact]
    public void Of_OrdersByLength_TiesInTheirGivenOrder()
    {
        string[] texts = ["ccc", "a", "bb", "d", "eee", ""];

        Assert.Equal([5, 1, 3, 2, 0, 4], LengthOrder.Of(texts));
        Assert.Equal([3, 2, 0], LengthOrder.Of(texts, [0, 2, 3]));
        Assert.Empty(LengthOrder.Of([]));
    }

    [Fact]
    public async Task ConceptScores_AskShortestFirst_AndGiveEachItemItsOwnVector()
    {
        var generator = new HashedWordsEmbeddingGenerator();
        LabeledExample<string>[] seed = [new(Items[0], 1), new(Items[1], 0)];

        ConceptScores<string> scores = await ConceptScores<string>.CreateAsync(Items, seed, 2, generator, generator, cacheFolder: null, CancellationToken.None);
        await scores.AddPhrasesAsync(["subscribe"], CancellationToken.None);

        // The items (the seed items among them) are embedded once each, in one pass, before the phrase.
        string[] distinct = [.. Items.Distinct()];
        string[] asked = [.. generator.Asked.Take(distinct.Length)];
        Assert.Equal(distinct.Order(StringComparer.Ordinal), asked.Order(StringComparer.Ordinal));
        Assert.True(asked.Select(t => t.Length).SequenceEqual(asked.Select(t => t.Length).Order()), "the items were not asked for shortest first");
        float[] phrase = HashedWordsEmbeddingGenerator.Embed("subscribe");
        foreach (string item in Items)
        {
            float expected = HashedWordsEmbeddingGenerator.Embed(item).Zip(phrase, (a, b) => a * b).Sum();
            Assert.Equal(expected, scores.For(item)["subscribe"], 5);
        }
    }

    [Fact]
    public async Task EndModelEmbeddings_AskShortestFirst_AndKeepTheItemsOrder()
    {
        var generator = new HashedWordsEmbeddingGenerator();

        (float[] values, int dimension) = await EmbeddingFeatures.GenerateAsync(generator, Items, batchSize: 16, expectedDimension: null, CancellationToken.None);

        string[] asked = [.. generator.Asked];
        Assert.Equal(Items.Length, asked.Length);
        Assert.True(asked.Select(t => t.Length).SequenceEqual(asked.Select(t => t.Length).Order()), "the texts were not asked for shortest first");
        Assert.Equal(HashedWordsEmbeddingGenerator.Dimensions, dimension);
        for (int i = 0; i < Items.Length; i++)
        {
            Assert.Equal(HashedWordsEmbeddingGenerator.Embed(Items[i]), values.AsSpan(i * dimension, dimension).ToArray());
        }
    }

    [Fact]
    public async Task EndModelVectors_AskLikeTheFlatArray_AndKeepTheCachedVectorsWithoutCopying()
    {
        var asked = new HashedWordsEmbeddingGenerator();
        using var cached = new CachedEmbeddingGenerator(asked);
        (float[] values, int dimension) = await EmbeddingFeatures.GenerateAsync(cached, Items, batchSize: 16, expectedDimension: null, CancellationToken.None);
        var flatOrder = new HashedWordsEmbeddingGenerator();
        _ = await EmbeddingFeatures.GenerateAsync(flatOrder, Items, batchSize: 16, expectedDimension: null, CancellationToken.None);
        var vectorOrder = new HashedWordsEmbeddingGenerator();

        ReadOnlyMemory<float>[] vectors = await EmbeddingFeatures.GenerateVectorsAsync(vectorOrder, Items, batchSize: 16, dimension, CancellationToken.None);
        ReadOnlyMemory<float>[] fromCache = await EmbeddingFeatures.GenerateVectorsAsync(cached, Items, batchSize: 16, dimension, CancellationToken.None);

        // The same texts asked in the same order (so the same batches), and every vector on its own item.
        Assert.Equal(flatOrder.Asked, vectorOrder.Asked);
        Assert.Equal(Items.Length, vectors.Length);
        for (int i = 0; i < Items.Length; i++)
        {
            Assert.Equal(values.AsSpan(i * dimension, dimension).ToArray(), vectors[i].ToArray());
            Assert.Equal(values.AsSpan(i * dimension, dimension).ToArray(), fromCache[i].ToArray());
        }

        // A repeated text is one remembered vector, referenced by each of its items rather than copied for each.
        ReadOnlyMemory<float>[] twice = await EmbeddingFeatures.GenerateVectorsAsync(cached, [.. Items, .. Items], batchSize: 16, dimension, CancellationToken.None);
        for (int i = 0; i < Items.Length; i++)
        {
            Assert.True(twice[i].Span == twice[Items.Length + i].Span, "a repeated text's vector was copied");
            Assert.True(twice[i].Span == fromCache[i].Span, "a remembered vector was copied");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await EmbeddingFeatures.GenerateVectorsAsync(cached, Items, batchSize: 16, dimension + 1, CancellationToken.None));
    }
}
