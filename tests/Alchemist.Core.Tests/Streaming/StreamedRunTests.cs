using System.Runtime.CompilerServices;
using Alchemist.Tests.Pipeline;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Streaming;

/// <summary>A job read from an <see cref="IItemSource{TItem}"/> with its labels written to an <see cref="ILabelSink"/>: the same labels as the job over a list, the source read a known number of times, a changed source refused.</summary>
public class StreamedRunTests
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    public async Task RunAsync_StreamedYouTube_GivesTheListRunsLabelsAndProbabilitiesExactly(long? matrixMemoryBudget)
    {
        // The offline synthesizer (which strides over the unlabeled items), the seed-model voter, the direct-labeling
        // estimate and a sampled end-model training set: everything that reads every item. A budget of 0 spills the
        // streamed run's matrix to a mapped file.
        var options = new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, EndModelSampleSize = 500, MatrixMemoryBudget = matrixMemoryBudget };
        LabelingJob<string> list = PipelineTestData.YouTubeJob();
        LabelingRun<string> listed = await new LabelingPipeline([new OfflineProgramSynthesizer()], options).RunAsync(list);

        var sink = new CollectingSink();
        using LabelingRun<string> streamed = await new LabelingPipeline([new OfflineProgramSynthesizer()], options).RunAsync(StreamedJob(list, ItemSource.FromList(list.Items, list.ItemIds), sink));

        Assert.Equal(matrixMemoryBudget is not null, streamed.MatrixSpillBytes is not null);
        Assert.True(streamed.LabelsStreamed);
        Assert.False(listed.LabelsStreamed);
        Assert.Empty(streamed.Labels);
        Assert.Empty(streamed.ItemIds);
        Assert.Equal(0, streamed.Probabilities.ItemCount);
        Assert.Null(streamed.LabelModelProbabilities);
        Assert.Equal(listed.ItemCount, streamed.ItemCount);
        Assert.Equal(listed.ItemIds, sink.Ids);
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal(listed.Programs.Select(p => (p.Program.Name, p.Kept)), streamed.Programs.Select(p => (p.Program.Name, p.Kept)));
        Assert.Equal(listed.Test!.EndModel.Accuracy, streamed.Test!.EndModel.Accuracy);
        Assert.Equal(listed.DirectLabeling, streamed.DirectLabeling);
        Assert.Equal(WithoutTimings(RunReport.ToMarkdown(listed)), WithoutTimings(RunReport.ToMarkdown(streamed)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    public async Task RunAsync_StreamedOverSeveralChunks_GivesTheListRunsLabelsAndCallsTheSinkInOrder(long? matrixMemoryBudget)
    {
        // YouTube's train texts twelve times over: two chunks of 16,384 items, so the tie-break and the sample's gather cross a chunk.
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        string[] texts = [.. Enumerable.Repeat(youtube.Items, 12).SelectMany(t => t)];
        string[] ids = [.. texts.Select((_, i) => $"item-{i}")];
        var options = new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, EndModelSampleSize = 2_000, DirectLabelingModel = null, MatrixMemoryBudget = matrixMemoryBudget };
        var list = new LabelingJob<string>(youtube.Task, texts) { ItemIds = ids, SeedSet = youtube.SeedSet, TestSet = youtube.TestSet, DatasetName = "youtube" };
        LabelingRun<string> listed = await new LabelingPipeline([new OfflineProgramSynthesizer()], options).RunAsync(list);

        var sink = new CollectingSink();
        using LabelingRun<string> streamed = await new LabelingPipeline([new OfflineProgramSynthesizer()], options).RunAsync(StreamedJob(list, ItemSource.FromList(texts, ids), sink));

        Assert.Equal(matrixMemoryBudget is not null, streamed.MatrixSpillBytes is not null);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal([0L, 16_384L], sink.Starts);
        Assert.Equal(ids, sink.Ids);
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(listed.EndModel.ItemCount, streamed.EndModel.ItemCount);
    }

    [Fact]
    public async Task RunAsync_StreamedWithProgramsGiven_ReadsTheSourceSixTimes()
    {
        // Count, gate sample, apply, seed-model voter, end-model sample, predictions; no synthesizer, no direct-labeling estimate.
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        LabelingRun<string> first = await new LabelingPipeline([new OfflineProgramSynthesizer()], Options()).RunAsync(youtube);
        var source = new CountingSource(ItemSource.FromList(youtube.Items, youtube.ItemIds));
        LabelingJob<string> job = StreamedJob(youtube, source, new CollectingSink(), [.. first.Programs.Select(p => p.Program)]);

        LabelingRun<string> run = await new LabelingPipeline([new PipelineTestData.ForbiddenSynthesizer()], Options()).RunAsync(job);

        Assert.True(run.SeedModelVoted);
        Assert.Equal(6, source.Reads);
        Assert.Empty(job.Items);
    }

    [Fact]
    public async Task RunAsync_SourceThatChangesBetweenReads_IsRefused()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        var source = new ChangingSource(youtube.Items);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new LabelingPipeline([new OfflineProgramSynthesizer()], Options()).RunAsync(StreamedJob(youtube, source, new CollectingSink())));

        Assert.Contains("changed between reads", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EmptySource_IsRefused()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new LabelingPipeline([new OfflineProgramSynthesizer()], Options()).RunAsync(StreamedJob(youtube, ItemSource.FromList<string>([]), new CollectingSink())));

        Assert.Contains("gave no item", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StreamedWithALabelingBackendThatDoesNotStream_IsRefusedNamingIt()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        LabelingJob<string> job = new(youtube.Task, ItemSource.FromList(youtube.Items), new CollectingSink()) { LabelingBackend = new NoBackend(), SeedSet = youtube.SeedSet };

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => new LabelingPipeline([new OfflineProgramSynthesizer()], Options()).RunAsync(job));

        Assert.StartsWith("A streamed job (LabelingJob.Source) can use a LabelingJob.LabelingBackend only if it streams (IStreamingLabelingBackend); NoBackend takes every item at once.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_WrenchSplit_GivesTheIdsAndTextsOfTheDataset()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        IItemSource<string> source = ItemSource.FromWrenchSplit(Path.Combine(TestData.DatasetPath("youtube"), "train.json"), youtube.Task.ClassCount);

        List<SourceItem<string>> first = await ReadAllAsync(source);
        List<SourceItem<string>> again = await ReadAllAsync(source);

        Assert.Equal(youtube.Train.Ids, first.Select(i => i.Id));
        Assert.Equal(youtube.Train.Texts, first.Select(i => i.Item));
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task ReadAsync_JsonLinesFileChangedSinceTheFirstRead_IsRefused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"alchemist-stream-{Guid.NewGuid():N}.jsonl");
        try
        {
            await File.WriteAllLinesAsync(path, ["""{"id":"a","text":"first"}""", """{"id":"b","text":"second","label":1}"""]);
            IItemSource<string> source = ItemSource.FromTextFile(path);
            List<SourceItem<string>> first = await ReadAllAsync(source);
            Assert.Equal([new SourceItem<string>("a", "first")], first);

            await File.AppendAllLinesAsync(path, ["""{"id":"c","text":"third"}"""]);
            InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAllAsync(source));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("changed since it was first read", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static LabelingPipelineOptions Options() => new() { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null };

    private static LabelingJob<string> StreamedJob(LabelingJob<string> like, IItemSource<string> source, ILabelSink sink, IReadOnlyList<LabelingProgram>? programs = null) =>
        new(like.Task, source, sink)
        {
            DatasetName = like.DatasetName,
            SeedSet = like.SeedSet,
            TestSet = like.TestSet,
            Programs = programs ?? like.Programs,
        };

    private static string WithoutTimings(string markdown) =>
        System.Text.RegularExpressions.Regex.Replace(markdown[..markdown.IndexOf("## Timings", StringComparison.Ordinal)], @"[0-9][0-9.,]* m?s\b|[0-9-]+ [0-9:]+ UTC", "(time)");

    private static async Task<List<SourceItem<string>>> ReadAllAsync(IItemSource<string> source)
    {
        var items = new List<SourceItem<string>>();
        await foreach (SourceItem<string> item in source.ReadAsync())
        {
            items.Add(item);
        }

        return items;
    }

    private sealed class CountingSource(IItemSource<string> inner) : IItemSource<string>
    {
        public int Reads { get; private set; }

        public IAsyncEnumerable<SourceItem<string>> ReadAsync(CancellationToken cancellationToken = default)
        {
            Reads++;
            return inner.ReadAsync(cancellationToken);
        }
    }

    /// <summary>Gives other texts from the third read on.</summary>
    private sealed class ChangingSource(IReadOnlyList<string> texts) : IItemSource<string>
    {
        private int _reads;

        public async IAsyncEnumerable<SourceItem<string>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            int read = ++_reads;
            await Task.Yield();
            for (int i = 0; i < texts.Count; i++)
            {
                yield return new SourceItem<string>($"{i}", read >= 3 && i == texts.Count / 2 ? texts[i] + " changed" : texts[i]);
            }
        }
    }

    private sealed class NoBackend : ILabelingBackend
    {
        public Task<LabelingResult> ApplyAsync<TItem>(IReadOnlyList<LabelingProgram> programs, IReadOnlyList<TItem> items, int classCount, IProgress<LabelingProgress>? progress, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not called");
    }
}
