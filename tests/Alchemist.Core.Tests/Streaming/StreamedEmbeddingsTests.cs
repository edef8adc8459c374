using Alchemist.Tests.ConceptPrograms;
using Alchemist.Tests.Pipeline;
using Microsoft.Extensions.AI;

namespace Alchemist.Tests.Streaming;

/// <summary>
/// A streamed job with an embedding generator: concept programs read scores computed block by block as the items are
/// read, and the end model embeds its sample and each chunk it predicts; the votes, labels and probabilities are the
/// list run's.
/// </summary>
public sealed class StreamedEmbeddingsTests
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    [Theory]
    [InlineData(ProgramIsolation.InProcess)]
    [InlineData(ProgramIsolation.WorkerProcesses)]
    public async Task RunAsync_StreamedWithConceptProgramsAndEmbeddingFeatures_GivesTheListRunsVotesLabelsAndProbabilities(ProgramIsolation isolation)
    {
        // YouTube's train texts four times over (6,344 items), every 97th made a text of its own: the applier labels
        // chunks of 1,000 items, so the concept scores are computed over seven blocks as the items are read.
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        string[] texts = [.. Enumerable.Repeat(youtube.Items, 4).SelectMany(t => t).Select((t, i) => i % 97 == 0 ? $"{t} #{i}" : t)];
        string[] ids = [.. texts.Select((_, i) => $"item-{i}")];
        LabelingProgram[] programs =
        [
            new("channel", ConceptPipelineTests.ChannelProgram, new ProgramProvenance { Synthesizer = "test" }),
            new("song", ConceptPipelineTests.SongProgram, new ProgramProvenance { Synthesizer = "test" }),
        ];

        var list = new LabelingJob<string>(youtube.Task, texts) { ItemIds = ids, SeedSet = youtube.SeedSet, TestSet = youtube.TestSet, Programs = programs, EndModel = EndModel() };
        LabelingRun<string> listed = await Pipeline(isolation, []).RunAsync(list);

        var sink = new CollectingSink();
        var streamedJob = new LabelingJob<string>(youtube.Task, ItemSource.FromList(texts, ids), sink) { SeedSet = youtube.SeedSet, TestSet = youtube.TestSet, Programs = programs, EndModel = EndModel() };
        using LabelingRun<string> streamed = await Pipeline(isolation, []).RunAsync(streamedJob);

        Assert.Equal(2, streamed.KeptCount);
        Assert.True(streamed.SeedModelVoted);
        Assert.Equal(listed.Matrix.FunctionNames, streamed.Matrix.FunctionNames);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        // A concept program looking up an item the scores do not hold would fault: none did.
        Assert.All(streamed.Programs, p => Assert.Equal(0, p.Faults!.Total));
        Assert.Equal(listed.Programs.Select(p => p.Faults!.ItemsSeen), streamed.Programs.Select(p => p.Faults!.ItemsSeen));
        Assert.Equal(ids, sink.Ids);
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(listed.Test!.EndModel.Accuracy, streamed.Test!.EndModel.Accuracy);
        Assert.NotNull(streamed.Concepts);
    }

    [Fact]
    public async Task RunAsync_StreamedWithTheOfflineSynthesizerMiningConceptPrograms_GivesTheListRunsProgramsAndLabels()
    {
        // The offline synthesizer reads the concept scores of a stride of the unlabeled items: the streamed run scores
        // those before labeling, so it mines the same programs.
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        string[] texts = [.. Enumerable.Repeat(youtube.Items, 2).SelectMany(t => t)];
        string[] ids = [.. texts.Select((_, i) => $"item-{i}")];
        var list = new LabelingJob<string>(youtube.Task, texts) { ItemIds = ids, SeedSet = youtube.SeedSet, TestSet = youtube.TestSet, EndModel = EndModel() };
        LabelingRun<string> listed = await Pipeline(ProgramIsolation.InProcess, [new OfflineProgramSynthesizer()]).RunAsync(list);

        var sink = new CollectingSink();
        var streamedJob = new LabelingJob<string>(youtube.Task, ItemSource.FromList(texts, ids), sink) { SeedSet = youtube.SeedSet, TestSet = youtube.TestSet, EndModel = EndModel() };
        using LabelingRun<string> streamed = await Pipeline(ProgramIsolation.InProcess, [new OfflineProgramSynthesizer()]).RunAsync(streamedJob);

        Assert.Contains(streamed.Programs, p => p.Kept && p.Program.Source.Contains("Concepts concepts", StringComparison.Ordinal));
        Assert.Equal(listed.Programs.Select(p => (p.Program.Source, p.Kept)), streamed.Programs.Select(p => (p.Program.Source, p.Kept)));
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
    }

    [Fact]
    public async Task RunAsync_StreamedThroughAStreamingBackend_ConceptProgramsStayWithTheRunAndTheVotesAreTheListRuns()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        LabelingProgram[] programs =
        [
            new("channel", ConceptPipelineTests.ChannelProgram, new ProgramProvenance { Synthesizer = "test" }),
            new("plain", "public static class P { public static int Label(string item) => item.Contains(\"http\", System.StringComparison.Ordinal) ? 1 : -1; }", new ProgramProvenance { Synthesizer = "test" }),
        ];
        var list = new LabelingJob<string>(youtube.Task, youtube.Items) { ItemIds = youtube.ItemIds, SeedSet = youtube.SeedSet, TestSet = youtube.TestSet, Programs = programs, EndModel = EndModel() };
        LabelingRun<string> listed = await Pipeline(ProgramIsolation.InProcess, []).RunAsync(list);
        var backend = new StreamingBackendTests.ShuffledShardsBackend(shardSize: 100);

        var sink = new CollectingSink();
        var streamedJob = new LabelingJob<string>(youtube.Task, ItemSource.FromList(youtube.Items, youtube.ItemIds), sink)
        {
            SeedSet = youtube.SeedSet,
            TestSet = youtube.TestSet,
            Programs = programs,
            EndModel = EndModel(),
            LabelingBackend = backend,
        };
        using LabelingRun<string> streamed = await Pipeline(ProgramIsolation.InProcess, []).RunAsync(streamedJob);

        Assert.Equal(["plain"], backend.Received);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
    }

    [Fact]
    public async Task CachedEmbeddingGenerator_RepeatedTexts_EmbeddedOnceWithTheInnerGeneratorsVectorsAndReadFromTheFolderNextTime()
    {
        string folder = Directory.CreateTempSubdirectory("alchemist-cached-embeddings-").FullName;
        try
        {
            var inner = new HashedWordsEmbeddingGenerator();
            string[] texts = ["check out my channel", "great song", "check out my channel", "great song", "love it"];
            using (var cached = new CachedEmbeddingGenerator(inner, folder))
            {
                GeneratedEmbeddings<Embedding<float>> first = await cached.GenerateAsync(texts);
                GeneratedEmbeddings<Embedding<float>> again = await cached.GenerateAsync(["love it", "great song"]);

                Assert.Equal(texts.Select(HashedWordsEmbeddingGenerator.Embed), first.Select(e => e.Vector.ToArray()));
                Assert.Equal(HashedWordsEmbeddingGenerator.Embed("great song"), again[1].Vector.ToArray());
                Assert.Equal(3, inner.Embedded);
                Assert.Equal((3L, 4L), (cached.Generated, cached.FromCache));
            }

            // Disposing wrote the vectors; a new generator over the same folder asks its inner generator for nothing.
            var second = new HashedWordsEmbeddingGenerator();
            using var reread = new CachedEmbeddingGenerator(second, folder, memoryCapacity: 0);
            GeneratedEmbeddings<Embedding<float>> read = await reread.GenerateAsync(texts);

            Assert.Equal(0, second.Embedded);
            Assert.Equal(texts.Select(HashedWordsEmbeddingGenerator.Embed), read.Select(e => e.Vector.ToArray()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static LogisticRegressionEndModel<string> EndModel() =>
        LogisticRegressionEndModel.ForText(embeddingGenerator: new CachedEmbeddingGenerator(new HashedWordsEmbeddingGenerator()));

    private static LabelingPipeline Pipeline(ProgramIsolation isolation, IProgramSynthesizer[] synthesizers) =>
        new(
            synthesizers,
            new LabelingPipelineOptions
            {
                EndModelChoice = EndModelChoiceMode.Off,
                Isolation = isolation,
                EmbeddingGenerator = new HashedWordsEmbeddingGenerator(),
                EndModelSampleSize = 2_000,
                DirectLabelingModel = null,
                ScoreSeedOnlyBaseline = false,
            },
            applier: new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 0.5, ChunkSize = 1_000 }));
}
