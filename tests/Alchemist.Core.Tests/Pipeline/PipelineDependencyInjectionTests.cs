using Alchemist.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Alchemist.Tests.Pipeline;

public class PipelineDependencyInjectionTests
{
    [Fact]
    public void AddAlchemist_WithoutChatClient_PipelineAsksTheOfflineSynthesizerOnly()
    {
        using ServiceProvider provider = new ServiceCollection().AddAlchemist().Services.BuildServiceProvider();
        LabelingPipeline pipeline = provider.GetRequiredService<LabelingPipeline>();
        Assert.Same(pipeline, provider.GetRequiredService<LabelingPipeline>());
        Assert.IsType<OfflineProgramSynthesizer>(Assert.Single(pipeline.Synthesizers));
        Assert.Same(provider.GetRequiredService<CostLedger>(), pipeline.Ledger);
    }

    [Fact]
    public void AddAlchemist_WithKeyedChatClient_PipelineAddsTheChatSynthesizer()
    {
        using var chat = new ScriptedChatClient();
        using ServiceProvider provider = new ServiceCollection().AddAlchemist().UseChatClient(_ => chat).Services.BuildServiceProvider();
        Assert.Collection(
            provider.GetRequiredService<LabelingPipeline>().Synthesizers,
            s => Assert.IsType<OfflineProgramSynthesizer>(s),
            s => Assert.IsType<ChatProgramSynthesizer>(s));
    }

    [Fact]
    public void AddSynthesizer_AndNoOffline_AreHonored()
    {
        var mine = new PipelineTestData.FixedSynthesizer(("a", "public static class A { public static int Label(string s) => 1; }"));
        using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist(o => o.UseOfflineSynthesizer = false)
            .AddSynthesizer(_ => mine)
            .Services.BuildServiceProvider();
        Assert.Same(mine, Assert.Single(provider.GetRequiredService<LabelingPipeline>().Synthesizers));
    }

    [Fact]
    public async Task RegisteredEmbeddingGenerator_FeedsTheDefaultEndModel()
    {
        var embeddings = new LengthEmbeddingGenerator();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embeddings);
        services.AddAlchemist(o => o.LabelModel = "majority")
            .ConfigurePipeline(o => { o.ProgramsPerSynthesizer = 3; o.DirectLabelingModel = null; o.ScoreSeedOnlyBaseline = false; o.SeedModelVoter = false; });
        using ServiceProvider provider = services.BuildServiceProvider();

        LabelingRun run = await provider.GetRequiredService<LabelingPipeline>().RunAsync(PipelineTestData.YouTubeJob());

        Assert.True(embeddings.TextsEmbedded >= 1686);
        Assert.Equal(1686, run.Labels.Count);
        Assert.Null(run.DirectLabeling);
    }

    [Fact]
    public async Task UseEndModel_IsUsedForItsItemType()
    {
        var endModel = new ConstantEndModel();
        using ServiceProvider provider = new ServiceCollection()
            .AddAlchemist(o => { o.UseOfflineSynthesizer = false; o.LabelModel = "majority"; })
            .UseEndModel<PipelineTests.Ticket>(_ => endModel)
            .ConfigurePipeline(o => o.DirectLabelingModel = null)
            .Services.BuildServiceProvider();
        var job = new LabelingJob<PipelineTests.Ticket>(new LabelingTask("t", "", ["a", "b"]), [new("x"), new("y")])
        {
            SeedSet = [new(new("x"), 1), new(new("y"), 1)],
        };

        LabelingRun run = await provider.GetRequiredService<LabelingPipeline>().RunAsync(job);

        Assert.Equal("constant", run.EndModelName);
        Assert.Equal([1, 1], run.Labels);
    }

    private sealed class LengthEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        private int _texts;

        public int TextsEmbedded => Volatile.Read(ref _texts);

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (string value in values)
            {
                Interlocked.Increment(ref _texts);
                result.Add(new Embedding<float>(new float[] { value.Length / 100f, value.Count(char.IsUpper) / 10f }));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class ConstantEndModel : IEndModel<PipelineTests.Ticket>
    {
        public string Name => "constant";

        public ValueTask<ITrainedEndModel<PipelineTests.Ticket>> TrainAsync(EndModelTrainingSet<PipelineTests.Ticket> trainingSet, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<ITrainedEndModel<PipelineTests.Ticket>>(new Trained(trainingSet.ClassCount));

        private sealed class Trained(int classCount) : ITrainedEndModel<PipelineTests.Ticket>
        {
            public int ClassCount => classCount;

            public EndModelTrainingReport TrainingReport { get; } = new() { ModelName = "constant", ItemCount = 0, FeatureCount = 0 };

            public ValueTask<ClassProbabilities> PredictProbabilitiesAsync(IReadOnlyList<PipelineTests.Ticket> items, CancellationToken cancellationToken = default)
            {
                double[] values = new double[items.Count * classCount];
                for (int i = 0; i < items.Count; i++)
                {
                    values[(i * classCount) + 1] = 1;
                }

                return ValueTask.FromResult(new ClassProbabilities(items.Count, classCount, values));
            }
        }
    }
}

/// <summary>Shared record type for pipeline tests over non-string items.</summary>
public static class PipelineTests
{
    public sealed record Ticket(string Body);
}
