using Microsoft.Extensions.AI;

namespace Alchemist.Tests.ConceptPrograms;

/// <summary>Concept scores: embedded once per run in batches, cached on disk by model id and content hash, safe with damaged files and concurrent runs.</summary>
public sealed class ConceptScoresCacheTests : IDisposable
{
    private static readonly string[] Items = [.. Enumerable.Range(0, 150).Select(i => i % 3 == 0 ? $"subscribe to my channel {i}" : $"what a great song {i}")];
    private static readonly LabeledExample<string>[] Seed = [.. Items.Take(30).Select((t, i) => new LabeledExample<string>(t, i % 3 == 0 ? 1 : 0))];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alchemist-concepts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task SecondRun_ReadsEveryEmbeddingFromTheCache_GeneratorNotCalled()
    {
        var first = new HashedWordsEmbeddingGenerator();
        ConceptScores<string> before = await CreateAsync(first, _folder);
        await before.AddPhrasesAsync(["subscribe to my channel"], CancellationToken.None);
        Assert.Equal((int)Math.Ceiling(150 / (double)ConceptScores<string>.BatchSize) + 1, first.Calls);

        var second = new HashedWordsEmbeddingGenerator();
        ConceptScores<string> after = await CreateAsync(second, _folder);
        await after.AddPhrasesAsync(["subscribe to my channel"], CancellationToken.None);

        Assert.Equal(0, second.Calls);
        Assert.Equal(151, after.FromCache);
        AssertSameScores(before, after, "subscribe to my channel");
    }

    [Fact]
    public async Task OtherModelId_DoesNotReadTheCache()
    {
        await CreateAsync(new HashedWordsEmbeddingGenerator(), _folder);
        var other = new HashedWordsEmbeddingGenerator("another-model");

        await CreateAsync(other, _folder);

        Assert.Equal(150, other.Embedded);
    }

    [Fact]
    public async Task TruncatedAndDamagedFiles_RecoverByEmbeddingWhatWasLost()
    {
        ConceptScores<string> reference = await CreateAsync(new HashedWordsEmbeddingGenerator(), _folder);
        await reference.AddPhrasesAsync(["great song"], CancellationToken.None);
        string[] files = Directory.GetFiles(Path.Combine(_folder, "hashed-words-64"), "*.emb");
        Assert.Equal(2, files.Length);
        string items = files.OrderByDescending(f => new FileInfo(f).Length).First();
        byte[] bytes = await File.ReadAllBytesAsync(items);

        // Cut the file in the middle of a record and flip a byte inside an earlier one.
        byte[] damaged = bytes[..(bytes.Length / 2 + 7)];
        damaged[100] ^= 0xFF;
        await File.WriteAllBytesAsync(items, damaged);
        await File.WriteAllTextAsync(Path.Combine(_folder, "hashed-words-64", "garbage.emb"), "not a cache file at all");

        var again = new HashedWordsEmbeddingGenerator();
        ConceptScores<string> recovered = await CreateAsync(again, _folder);
        await recovered.AddPhrasesAsync(["great song"], CancellationToken.None);

        Assert.InRange(again.Embedded, 76, 150);
        Assert.Equal(150 - again.Embedded + 1, recovered.FromCache);
        AssertSameScores(reference, recovered, "great song");

        // What was embedded again is in the cache now.
        var third = new HashedWordsEmbeddingGenerator();
        await CreateAsync(third, _folder);
        Assert.Equal(0, third.Calls);
    }

    [Fact]
    public async Task TwoRunsAtOnce_BothWrite_AThirdReadsEverything()
    {
        var a = new HashedWordsEmbeddingGenerator();
        var b = new HashedWordsEmbeddingGenerator();

        await Task.WhenAll(Task.Run(() => CreateAsync(a, _folder)), Task.Run(() => CreateAsync(b, _folder)));
        var third = new HashedWordsEmbeddingGenerator();
        ConceptScores<string> scores = await CreateAsync(third, _folder);

        Assert.Equal(0, third.Calls);
        Assert.Equal(150, scores.FromCache);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "hashed-words-64"), "*.tmp"));
    }

    [Fact]
    public async Task Prototypes_ASeedItemIsComparedWithTheOtherSeedItemsOfItsClass()
    {
        ConceptScores<string> scores = await CreateAsync(new HashedWordsEmbeddingGenerator(), cacheFolder: null);

        // Seed item 0 is class 1; its prototype score is its similarity to the centroid of the other class-1 seed items.
        float[] own = HashedWordsEmbeddingGenerator.Embed(Seed[0].Item);
        float[] others = new float[HashedWordsEmbeddingGenerator.Dimensions];
        foreach (LabeledExample<string> example in Seed.Skip(1).Where(e => e.Label == 1))
        {
            float[] v = HashedWordsEmbeddingGenerator.Embed(example.Item);
            for (int d = 0; d < others.Length; d++)
            {
                others[d] += v[d];
            }
        }

        double norm = Math.Sqrt(others.Sum(v => (double)v * v));
        double expected = own.Select((v, d) => v * others[d] / norm).Sum();
        Assert.Equal(expected, scores.For(Seed[0].Item).Prototype(1), 5);
        Assert.Equal(2, scores.For(Items[100]).PrototypeCount);
        Assert.ThrowsAny<KeyNotFoundException>(() => scores.For("an item the run never saw")["x"]);
    }

    private static Task<ConceptScores<string>> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string? cacheFolder) =>
        ConceptScores<string>.CreateAsync(Items, Seed, 2, generator, generator, cacheFolder, CancellationToken.None);

    private static void AssertSameScores(ConceptScores<string> expected, ConceptScores<string> actual, string phrase)
    {
        foreach (string item in Items)
        {
            Assert.Equal(expected.For(item)[phrase], actual.For(item)[phrase]);
            Assert.Equal(expected.For(item).Prototype(0), actual.For(item).Prototype(0));
        }
    }
}
