using System.Runtime.CompilerServices;
using Alchemist.Tests.Pipeline;

namespace Alchemist.Tests.Streaming;

/// <summary>A streamed job through an <see cref="IStreamingLabelingBackend"/>: its shards, in whatever order, gathered into the run's one matrix; the labels of the job over a list.</summary>
public sealed class StreamingBackendTests : IDisposable
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    private readonly string _folder = Directory.CreateTempSubdirectory("alchemist-streaming-backend-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly ILabelingFunction<string> HandWritten = LabelingFunction.FromKeywords("check-out", 1, "check out", "subscribe");

    [Fact]
    public async Task RunAsync_StreamedJobWithAStreamingBackend_GivesTheListRunsLabelsAndMatrix()
    {
        LabelingJob<string> list = WithHandWritten(PipelineTestData.YouTubeJob());
        LabelingRun<string> listed = await Pipeline().RunAsync(list);
        var backend = new ShuffledShardsBackend(shardSize: 100);

        var sink = new CollectingSink();
        LabelingRun<string> streamed = await Pipeline().RunAsync(StreamedJob(list, sink, backend));

        // The hand-written function stays with the run; the programs went to the backend, their shards came back last first.
        Assert.DoesNotContain(HandWritten.Name, backend.Received);
        Assert.Equal(listed.Programs.Count(p => p.Kept), backend.Received.Count);
        Assert.True(streamed.SeedModelVoted);
        Assert.Equal(listed.Matrix.FunctionNames, streamed.Matrix.FunctionNames);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
    }

    [Fact]
    public async Task RunAsync_StreamingBackendWithABudgetOfZero_SpillsTheGatheredMatrixGivingTheSameLabels()
    {
        LabelingJob<string> list = WithHandWritten(PipelineTestData.YouTubeJob());
        LabelingRun<string> listed = await Pipeline().RunAsync(list);
        var sink = new CollectingSink();

        LabelingRun<string> streamed = await Pipeline(budget: 0).RunAsync(StreamedJob(list, sink, new ShuffledShardsBackend(shardSize: 100)));

        // The shards and the hand-written column were written into the mapped file, with the seed model's column in its spare room.
        Assert.Equal(streamed.Matrix.ItemCount * (streamed.Matrix.FunctionCount + 1L), streamed.MatrixSpillBytes);
        Assert.Equal(listed.Matrix.AsSpan().ToArray(), streamed.Matrix.AsSpan().ToArray());
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.NotEmpty(SpilledMatrixTests.MatrixFilesInUse(_folder));

        streamed.Dispose();

        Assert.Empty(SpilledMatrixTests.MatrixFilesInUse(_folder));
    }

    [Fact]
    public async Task RunAsync_SpilledGatherRefused_LeavesNoFileNorMapping()
    {
        var backend = new ShuffledShardsBackend(shardSize: 100) { Fault = ShardFault.Gap };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline(budget: 0).RunAsync(StreamedJob(PipelineTestData.YouTubeJob(), new CollectingSink(), backend)));

        Assert.Empty(SpilledMatrixTests.MatrixFilesInUse(_folder));
    }

    [Theory]
    [InlineData(ShardFault.Gap, "returned no shard for items 100 to 199")]
    [InlineData(ShardFault.Overlap, "returned item 150 in two shards")]
    [InlineData(ShardFault.PastTheEnd, "returned a shard of 100 items from item 1600")]
    public async Task RunAsync_BackendWhoseShardsDoNotCoverEveryItemOnce_IsRefused(ShardFault fault, string message)
    {
        LabelingJob<string> list = PipelineTestData.YouTubeJob();
        var backend = new ShuffledShardsBackend(shardSize: 100) { Fault = fault };

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline().RunAsync(StreamedJob(list, new CollectingSink(), backend)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    public enum ShardFault
    {
        None,
        Gap,
        Overlap,
        PastTheEnd,
    }

    private LabelingPipeline Pipeline(long? budget = null) =>
        new([new OfflineProgramSynthesizer()], new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null, MatrixMemoryBudget = budget }) { SpoolDirectory = _folder };

    private static LabelingJob<string> WithHandWritten(LabelingJob<string> job) =>
        new(job.Task, job.Items) { ItemIds = job.ItemIds, DatasetName = job.DatasetName, SeedSet = job.SeedSet, TestSet = job.TestSet, Functions = [HandWritten] };

    private static LabelingJob<string> StreamedJob(LabelingJob<string> like, ILabelSink sink, ILabelingBackend backend) =>
        new(like.Task, ItemSource.FromList(like.Items, like.ItemIds), sink)
        {
            DatasetName = like.DatasetName,
            SeedSet = like.SeedSet,
            TestSet = like.TestSet,
            Functions = like.Functions,
            LabelingBackend = backend,
        };

    /// <summary>Compiles the programs here and labels the items shard by shard, yielding each pair of shards in reverse order.</summary>
    internal sealed class ShuffledShardsBackend(int shardSize) : IStreamingLabelingBackend
    {
        public List<string> Received { get; } = [];

        public ShardFault Fault { get; init; }

        public Task<LabelingResult> ApplyAsync<TItem>(IReadOnlyList<LabelingProgram> programs, IReadOnlyList<TItem> items, int classCount, IProgress<LabelingProgress>? progress, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A streamed job should not give every item at once.");

        public async IAsyncEnumerable<LabeledShard> ApplyStreamingAsync<TItem>(
            IReadOnlyList<LabelingProgram> programs, IAsyncEnumerable<TItem> items, int classCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (LabeledShard shard in LabelAsync(programs, items, classCount, cancellationToken))
            {
                switch (Fault, shard.FirstItem)
                {
                    case (ShardFault.Gap, 100):
                        continue;
                    case (ShardFault.Overlap, 200):
                        yield return new LabeledShard(150, shard.Votes, shard.Faults);
                        continue;
                    default:
                        yield return shard;
                        continue;
                }
            }

            if (Fault == ShardFault.PastTheEnd)
            {
                int m = programs.Count;
                yield return new LabeledShard(1600, new LabelMatrix(100, m, classCount, new sbyte[100 * m]), [.. programs.Select(p => new LabelingFunctionFaults(p.Name, 100, 0, 0, false, null))]);
            }
        }

        private async IAsyncEnumerable<LabeledShard> LabelAsync<TItem>(
            IReadOnlyList<LabelingProgram> programs, IAsyncEnumerable<TItem> items, int classCount, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Received.AddRange(programs.Select(p => p.Name));
            var compiler = new ProgramCompiler();
            ProgramCompilation<TItem>[] compiled = [.. programs.Select(p => compiler.Compile<TItem>(p))];
            try
            {
                ILabelingFunction<TItem>[] functions = [.. compiled.Select(c => (ILabelingFunction<TItem>)c.Function!)];
                var applier = new LabelingFunctionApplier();
                var shard = new List<TItem>(shardSize);
                LabeledShard? held = null;
                long first = 0;
                await foreach (TItem item in items.WithCancellation(cancellationToken))
                {
                    shard.Add(item);
                    if (shard.Count < shardSize)
                    {
                        continue;
                    }

                    LabeledShard labeled = Label(shard);
                    if (held is null)
                    {
                        held = labeled;
                    }
                    else
                    {
                        yield return labeled;
                        yield return held;
                        held = null;
                    }
                }

                if (shard.Count > 0)
                {
                    yield return Label(shard);
                }

                if (held is not null)
                {
                    yield return held;
                }

                LabeledShard Label(List<TItem> part)
                {
                    LabelingResult result = applier.Apply(part, functions, classCount, cancellationToken: cancellationToken);
                    var labeled = new LabeledShard(first, result.Matrix, result.Faults);
                    first += part.Count;
                    part.Clear();
                    return labeled;
                }
            }
            finally
            {
                foreach (ProgramCompilation<TItem> compilation in compiled)
                {
                    compilation.Dispose();
                }
            }
        }
    }
}
