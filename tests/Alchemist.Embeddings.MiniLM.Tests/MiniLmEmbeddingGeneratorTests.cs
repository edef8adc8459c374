using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Embeddings.MiniLM.Tests;

/// <summary>The real all-MiniLM-L6-v2 model, run offline from the package's own copy.</summary>
public sealed class MiniLmEmbeddingGeneratorTests : IClassFixture<MiniLmEmbeddingGeneratorTests.Model>
{
    private readonly MiniLmEmbeddingGenerator _generator;

    public MiniLmEmbeddingGeneratorTests(Model model) => _generator = model.Generator;

    [Fact]
    public async Task Embeddings_AreUnitVectorsOfTheModelsDimension()
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await _generator.GenerateAsync(["Check out my channel!", ""]);

        Assert.Equal(2, embeddings.Count);
        foreach (Embedding<float> embedding in embeddings)
        {
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, embedding.Vector.Length);
            Assert.Equal(MiniLmEmbeddingGenerator.ModelId, embedding.ModelId);
            Assert.Equal(1.0, Norm(embedding.Vector.Span), 3);
        }
    }

    [Fact]
    public async Task AParaphrase_IsCloserThanAnUnrelatedText()
    {
        GeneratedEmbeddings<Embedding<float>> e = await _generator.GenerateAsync([
            "How do I reset my password?",
            "I forgot my password, how can I change it?",
            "The weather is sunny and warm today.",
        ]);

        double paraphrase = Dot(e[0].Vector.Span, e[1].Vector.Span);
        double unrelated = Dot(e[0].Vector.Span, e[2].Vector.Span);
        Assert.True(paraphrase > unrelated + 0.3, $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task Batches_GiveTheSameVectorsInInputOrder_AsOneTextAtATime()
    {
        string[] texts = ["subscribe to my channel", "great song", "free gift cards here", "I love this video", "visit my page"];
        using var small = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingGeneratorOptions { BatchSize = 2 });

        GeneratedEmbeddings<Embedding<float>> batched = await small.GenerateAsync(texts);
        Assert.Equal(texts.Length, batched.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            GeneratedEmbeddings<Embedding<float>> single = await _generator.GenerateAsync([texts[i]]);
            float[] expected = single[0].Vector.ToArray();
            float[] actual = batched[i].Vector.ToArray();
            for (int d = 0; d < expected.Length; d++)
            {
                // Padding a batch to its longest text changes the arithmetic slightly, never the meaning.
                Assert.Equal(expected[d], actual[d], 4);
            }
        }
    }

    [Fact]
    public async Task ATextLongerThanTheModelReads_IsClipped_NotAnError()
    {
        // Every '!' is one word piece: unclipped, 5,000 of them would overflow the model's 512 positions.
        GeneratedEmbeddings<Embedding<float>> e = await _generator.GenerateAsync([new string('!', 5_000), "short"]);

        Assert.Equal(2, e.Count);
        Assert.Equal(1.0, Norm(e[0].Vector.Span), 3);
    }

    [Fact]
    public async Task NullText_IsRefusedWithItsPosition()
    {
        ArgumentNullException error = await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(["fine", null!]));
        Assert.Contains("Text 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancelledCall_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(["a text"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task ADisposedGenerator_Throws()
    {
        var generator = new MiniLmEmbeddingGenerator();
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["a text"]));
    }

    [Theory]
    [InlineData(0, 100, null, "BatchSize")]
    [InlineData(8, 0, null, "MaxCharacters")]
    [InlineData(8, 511, null, "MaxCharacters")]
    [InlineData(8, 100, 0, "IntraOpThreads")]
    public void OptionsOutOfRange_AreRefusedByName(int batchSize, int maxCharacters, int? threads, string name)
    {
        var options = new MiniLmEmbeddingGeneratorOptions { BatchSize = batchSize, MaxCharacters = maxCharacters, IntraOpThreads = threads };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbeddingGenerator(options));
        Assert.Equal(name, error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddMiniLmEmbeddingGenerator(o =>
        {
            o.BatchSize = batchSize;
            o.MaxCharacters = maxCharacters;
            o.IntraOpThreads = threads;
        }));
    }

    [Fact]
    public void Metadata_NamesTheModelAndItsDimension()
    {
        EmbeddingGeneratorMetadata? metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(_generator, _generator.GetService<MiniLmEmbeddingGenerator>());
        Assert.Null(_generator.GetService(typeof(EmbeddingGeneratorMetadata), serviceKey: "other"));
    }

    [Fact]
    public async Task ThroughDependencyInjection_TheTextEndModelTrainsOnItsVectors()
    {
        var services = new ServiceCollection();
        services.AddAlchemist();
        services.AddMiniLmEmbeddingGenerator(o => o.BatchSize = 16);
        await using ServiceProvider provider = services.BuildServiceProvider();

        IEndModel<string> endModel = provider.GetRequiredService<IEndModel<string>>();
        IEndModel<string> hashedOnly = LogisticRegressionEndModel.ForText();
        string[] texts = ["subscribe to my channel", "check out my page", "free gift cards", "visit my website now", "love this song", "great video", "beautiful voice", "this is my favourite"];
        EndModelTrainingSet<string> set = EndModelTrainingSet.FromLabels(texts, [.. texts.Select((_, i) => i < 4 ? 1 : 0)], classCount: 2);

        (ITrainedEndModel<string> model, EndModelTrainingReport report) = await Train(endModel, set);
        (_, EndModelTrainingReport hashedReport) = await Train(hashedOnly, set);

        // The vectors are features beside the hashed n-grams, and the model separates the classes it was trained on.
        Assert.Equal(hashedReport.FeatureCount + MiniLmEmbeddingGenerator.Dimensions, report.FeatureCount);
        ClassProbabilities probabilities = await model.PredictProbabilitiesAsync(texts);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0], probabilities.Predict());
    }

    private static async Task<(ITrainedEndModel<string>, EndModelTrainingReport)> Train(IEndModel<string> endModel, EndModelTrainingSet<string> set)
    {
        ITrainedEndModel<string> trained = await endModel.TrainAsync(set);
        return (trained, trained.TrainingReport);
    }

    private static double Norm(ReadOnlySpan<float> v) => Math.Sqrt(Dot(v, v));

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>One model for the class's tests: loading it takes about a second.</summary>
    public sealed class Model : IDisposable
    {
        public MiniLmEmbeddingGenerator Generator { get; } = new();

        public void Dispose() => Generator.Dispose();
    }
}
