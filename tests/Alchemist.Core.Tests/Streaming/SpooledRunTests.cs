using Alchemist.Tests.Pipeline;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Streaming;

/// <summary>A streamed run over a WRENCH file: the file parsed once and copied (<see cref="ItemSpool"/>), the list run's labels, a file changed after the first read refused, and the copy gone after the run whether it succeeds, fails or is canceled.</summary>
public sealed class SpooledRunTests : IDisposable
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    private readonly string _folder = Directory.CreateTempSubdirectory("alchemist-spooled-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task OpenAsync_WrenchFile_ParsesItOnceAndReadsTheCopyForEveryLaterPass()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        IItemSource<string> source = ItemSource.FromWrenchSplit(TrainFile(), youtube.Task.ClassCount);

        using (StreamedItems<string> items = await StreamedItems<string>.OpenAsync(source, CancellationToken.None, _folder))
        {
            var ids = new List<string>();
            var texts = new List<string>();
            await foreach (StreamedItems<string>.Chunk chunk in items.ChunksAsync())
            {
                ids.AddRange(chunk.IdList);
                texts.AddRange(chunk.ItemList);
            }

            int[] sample = [1_000, 3, 1_585, 0, 700];
            string[] sampled = [.. sample.Select(i => items[i])];

            Assert.True(items.Spooled);
            Assert.Null(items.SpoolError);
            Assert.Equal(youtube.Train.Ids, ids);
            Assert.Equal(youtube.Train.Texts, texts);
            Assert.Equal(sample.Select(i => youtube.Train.Texts[i]), sampled);
            Assert.Equal(youtube.Train.Texts, items.ToArray());
            Assert.Equal(1, items.Reads);
            Assert.Equal(5, items.SpoolReads);
            Assert.Single(ItemSpoolTests.SpoolFilesIn(_folder));
        }

        Assert.Empty(ItemSpoolTests.SpoolFilesIn(_folder));
    }

    [Fact]
    public async Task OpenAsync_CopyCannotBeWritten_ReadsTheFileAtEveryPassAndSaysWhy()
    {
        WrenchDataset youtube = TestData.Load("youtube");
        IItemSource<string> source = ItemSource.FromWrenchSplit(TrainFile(), youtube.Task.ClassCount);
        string missing = Path.Combine(_folder, "no-such-folder");

        using StreamedItems<string> items = await StreamedItems<string>.OpenAsync(source, CancellationToken.None, missing);
        string[] texts = [.. items];

        Assert.False(items.Spooled);
        Assert.StartsWith("The items could not be copied to a temporary file (DirectoryNotFoundException: ", items.SpoolError, StringComparison.Ordinal);
        Assert.Equal(youtube.Train.Texts, texts);
        Assert.Equal(2, items.Reads);
        Assert.Equal(0, items.SpoolReads);
    }

    [Fact]
    public async Task RunAsync_WrenchFile_GivesTheListRunsLabelsAndLeavesNoCopy()
    {
        var options = new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, EndModelSampleSize = 500 };
        LabelingJob<string> list = PipelineTestData.YouTubeJob();
        LabelingRun<string> listed = await new LabelingPipeline([new OfflineProgramSynthesizer()], options).RunAsync(list);

        var sink = new Sink();
        LabelingRun<string> streamed = await Pipeline(options).RunAsync(FileJob(list, TrainFile(), sink));

        Assert.Equal(listed.ItemIds, sink.Ids);
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal(listed.DirectLabeling, streamed.DirectLabeling);
        Assert.DoesNotContain(streamed.Warnings, w => w.Contains("temporary file", StringComparison.Ordinal));
        Assert.Empty(ItemSpoolTests.SpoolFilesIn(_folder));
    }

    [Fact]
    public async Task RunAsync_FileChangedAfterTheFirstRead_IsRefusedAndLeavesNoCopy()
    {
        string path = Path.Combine(_folder, "train.json");
        File.Copy(TrainFile(), path);
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        var changeAtApply = new OnStage(PipelineStage.Apply, () => File.AppendAllText(path, " "));

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Pipeline(Options()).RunAsync(FileJob(youtube, path, new Sink()), changeAtApply));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("changed since it was first read", error.Message, StringComparison.Ordinal);
        Assert.Empty(ItemSpoolTests.SpoolFilesIn(_folder));
    }

    [Fact]
    public async Task RunAsync_SinkFails_LeavesNoCopy()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();

        IOException error = await Assert.ThrowsAsync<IOException>(
            () => Pipeline(Options()).RunAsync(FileJob(youtube, TrainFile(), new Sink { Fail = true })));

        Assert.Equal("The disk is full.", error.Message);
        Assert.Empty(ItemSpoolTests.SpoolFilesIn(_folder));
    }

    [Fact]
    public async Task RunAsync_CanceledMidRun_LeavesNoCopy()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        using var cancel = new CancellationTokenSource();
        var cancelAtDistill = new OnStage(PipelineStage.Distill, cancel.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Pipeline(Options()).RunAsync(FileJob(youtube, TrainFile(), new Sink()), cancelAtDistill, cancel.Token));

        Assert.Empty(ItemSpoolTests.SpoolFilesIn(_folder));
    }

    private static string TrainFile() => Path.Combine(TestData.DatasetPath("youtube"), "train.json");

    private static LabelingPipelineOptions Options() => new() { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null };

    private LabelingPipeline Pipeline(LabelingPipelineOptions options) => new([new OfflineProgramSynthesizer()], options) { SpoolDirectory = _folder };

    private static LabelingJob<string> FileJob(LabelingJob<string> like, string path, ILabelSink sink) =>
        new(like.Task, ItemSource.FromWrenchSplit(path, like.Task.ClassCount), sink)
        {
            DatasetName = like.DatasetName,
            SeedSet = like.SeedSet,
            TestSet = like.TestSet,
        };

    private sealed class Sink : ILabelSink
    {
        public bool Fail { get; init; }

        public List<string> Ids { get; } = [];

        public List<int> Labels { get; } = [];

        public List<double> Probabilities { get; } = [];

        public ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new IOException("The disk is full.");
            }

            Ids.AddRange(chunk.Ids);
            Labels.AddRange(chunk.Labels.ToArray());
            Probabilities.AddRange(chunk.Probabilities.AsSpan().ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
