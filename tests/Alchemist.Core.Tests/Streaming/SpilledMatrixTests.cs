using System.Runtime.CompilerServices;
using Alchemist.Tests.Pipeline;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Streaming;

/// <summary>
/// A streamed run's label matrix spilled to a memory-mapped temporary file past <see cref="LabelingPipelineOptions.MatrixMemoryBudget"/>:
/// the same votes and labels as held in memory, the file (and its mapping) gone once the run is disposed or fails, a
/// matrix that reads nothing once its run is disposed, and a negative budget refused.
/// </summary>
public sealed class SpilledMatrixTests : IDisposable
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    private readonly string _folder = Directory.CreateTempSubdirectory("alchemist-spilled-matrix-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RunAsync_BudgetBelowTheMatrix_SpillsItGivingTheSameLabelsAndDeletesItOnDispose()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        var held = new CollectingSink();
        using LabelingRun<string> inMemory = await Pipeline(Options(budget: null)).RunAsync(StreamedJob(youtube, held));
        var spilledSink = new CollectingSink();
        LabelingRun<string> spilled = await Pipeline(Options(budget: 10_000)).RunAsync(StreamedJob(youtube, spilledSink));
        sbyte[] votes = spilled.Matrix.AsSpan().ToArray();

        Assert.Null(inMemory.MatrixSpillBytes);
        Assert.True(spilled.SeedModelVoted);
        Assert.Equal(spilled.Matrix.ItemCount * (spilled.Matrix.FunctionCount + 1L), spilled.MatrixSpillBytes);
        Assert.True(spilled.MatrixSpillBytes > 10_000);
        Assert.Equal(held.Labels, spilledSink.Labels);
        Assert.Equal(held.Probabilities, spilledSink.Probabilities);
        Assert.Equal(inMemory.Matrix.AsSpan().ToArray(), votes);
        Assert.Equal(inMemory.Matrix.GetRow(7).ToArray(), spilled.Matrix.GetRow(7).ToArray());
        Assert.Equal(inMemory.Matrix.GetColumn(1), spilled.Matrix.GetColumn(1));
        Assert.Equal(inMemory.Analysis.Coverage, spilled.Analysis.Coverage);
        Assert.NotEmpty(MatrixFilesInUse(_folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
        }

        spilled.Dispose();
        spilled.Dispose();

        Assert.Empty(MatrixFilesInUse(_folder));
        Assert.Throws<ObjectDisposedException>(() => spilled.Matrix.AsSpan().Length);
        Assert.Throws<ObjectDisposedException>(() => spilled.Matrix[0, 0]);
    }

    [Fact]
    public async Task RunAsync_BudgetAtLeastTheMatrix_HoldsItInMemory()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        long matrixBytes = youtube.Items.Count * 64L;

        using LabelingRun<string> run = await Pipeline(Options(budget: matrixBytes)).RunAsync(StreamedJob(youtube, new CollectingSink()));

        Assert.True(run.Matrix.ItemCount * (run.Matrix.FunctionCount + 1L) <= matrixBytes);
        Assert.Null(run.MatrixSpillBytes);
        Assert.Empty(MatrixFilesInUse(_folder));
    }

    [Fact]
    public async Task RunAsync_ListJobWithABudgetOfZero_NeverSpills()
    {
        // A run over a list holds every item's results anyway; the budget bounds a streamed run's one matrix.
        using LabelingRun<string> run = await Pipeline(Options(budget: 0)).RunAsync(PipelineTestData.YouTubeJob());

        Assert.Null(run.MatrixSpillBytes);
        Assert.Empty(MatrixFilesInUse(_folder));
    }

    [Fact]
    public async Task RunAsync_SpilledAndCanceledMidRun_LeavesNoFileNorMapping()
    {
        LabelingJob<string> youtube = PipelineTestData.YouTubeJob();
        using var cancel = new CancellationTokenSource();
        bool spilledBeforeCancel = false;
        var cancelAtDistill = new OnStage(PipelineStage.Distill, () =>
        {
            spilledBeforeCancel = MatrixFilesInUse(_folder).Count > 0;
            cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Pipeline(Options(budget: 0)).RunAsync(StreamedJob(youtube, new CollectingSink()), cancelAtDistill, cancel.Token));

        Assert.True(spilledBeforeCancel);
        Assert.Empty(MatrixFilesInUse(_folder));
    }

    [Fact]
    public void Constructor_NegativeBudget_IsRefusedNamingIt()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new LabelingPipeline([new OfflineProgramSynthesizer()], Options(budget: -1)));

        Assert.Contains("LabelingPipelineOptions.MatrixMemoryBudget is -1; give 0 or more bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    public async Task ApplyAsync_BudgetOfZero_GivesTheArraysVotesThroughEveryInPlaceStep(long? budget)
    {
        // Hand-written functions over more items than a chunk, and a source that gives fewer than it counted: the
        // mapped file keeps its room after the votes, as the array would.
        string[] items = [.. Enumerable.Range(0, 20_000).Select(i => $"item {i} {(i % 7 == 0 ? "free" : "hello")}")];
        ILabelingFunction<string>[] functions =
        [
            LabelingFunction.Create<string>("free", s => s.Contains("free", StringComparison.Ordinal) ? 1 : Label.Abstain),
            LabelingFunction.Create<string>("even", s => s.Length % 2 == 0 ? 0 : Label.Abstain),
            LabelingFunction.Create<string>("three", s => s.EndsWith('3') ? 1 : 0),
        ];
        var applier = new LabelingFunctionApplier();
        LabelMatrix expected = applier.Apply(items, functions, classCount: 2).Matrix;

        LabelingResult result = await applier.ApplyAsync(AsAsync(items), functions, 2, totalItems: items.Length + 5, spareColumns: 1, progress: null, CancellationToken.None, budget, _folder);
        LabelMatrix applied = result.Matrix;
        try
        {
            Assert.Equal(budget is not null, applied.Mapped is not null);
            Assert.Equal(expected.AsSpan().ToArray(), applied.AsSpan().ToArray());
            LabelMatrix appended = applied.AppendColumnInPlace("seed");
            appended.WriteColumn(3, 0, [.. Enumerable.Range(0, items.Length).Select(i => i % 3 == 0 ? 1 : Label.Abstain)]);
            Assert.Equal(expected.AppendColumn("seed", [.. Enumerable.Range(0, items.Length).Select(i => (sbyte)(i % 3 == 0 ? 1 : Label.Abstain))]).AsSpan().ToArray(), appended.AsSpan().ToArray());
            Assert.Equal(expected.AsSpan().ToArray(), appended.RemoveLastColumnInPlace().AsSpan().ToArray());
        }
        finally
        {
            applied.Mapped?.Dispose();
        }

        Assert.Empty(MatrixFilesInUse(_folder));
    }

    /// <summary>The spill files of a folder that are still there, open or mapped in this process (on Linux, an unlinked file stays while it is open or mapped).</summary>
    internal static List<string> MatrixFilesInUse(string folder)
    {
        string prefix = Path.Combine(folder, MappedVotes.FilePrefix);
        List<string> files = [.. Directory.EnumerateFiles(folder, MappedVotes.FilePrefix + "*")];
        if (OperatingSystem.IsLinux())
        {
            files.AddRange(File.ReadAllLines("/proc/self/maps").Where(l => l.Contains(prefix, StringComparison.Ordinal)).Select(l => "mapped: " + l));
            foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                string? target = null;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    // The descriptor closed while listing.
                }

                if (target is not null && target.StartsWith(prefix, StringComparison.Ordinal))
                {
                    files.Add("open: " + target);
                }
            }
        }

        return files;
    }

    private static async IAsyncEnumerable<string> AsAsync(IEnumerable<string> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (string item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static LabelingPipelineOptions Options(long? budget) =>
        new() { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null, EndModelSampleSize = 500, MatrixMemoryBudget = budget };

    private LabelingPipeline Pipeline(LabelingPipelineOptions options) => new([new OfflineProgramSynthesizer()], options) { SpoolDirectory = _folder };

    private static LabelingJob<string> StreamedJob(LabelingJob<string> like, ILabelSink sink) =>
        new(like.Task, ItemSource.FromList(like.Items, like.ItemIds), sink)
        {
            DatasetName = like.DatasetName,
            SeedSet = like.SeedSet,
            TestSet = like.TestSet,
        };
}
