using Alchemist.Tests.Shared;
using Orleans.TestingHost;

namespace Alchemist.Orleans.Tests;

public sealed class OrleansLabelingBackendTests(ThreeSiloCluster silos) : IClassFixture<ThreeSiloCluster>
{
    [Fact]
    public async Task RunAsync_OnThreeSilos_GivesTheLabelsOfTheSingleProcessRun()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128 });

        LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
        LabelingRun<string> distributed = await YouTubeRuns.RunAsync(backend);

        Assert.True(plain.Programs.Count(p => p.Kept) >= 5, "the offline synthesizer should keep several programs on YouTube");
        Assert.Equal(plain.Matrix.FunctionNames, distributed.Matrix.FunctionNames);
        Assert.True(plain.Matrix.AsSpan().SequenceEqual(distributed.Matrix.AsSpan()));
        Assert.Equal(plain.LabelModel?.Selected, distributed.LabelModel?.Selected);
        Assert.Equal(plain.Labels, distributed.Labels);
        Assert.True(plain.Probabilities.AsSpan().SequenceEqual(distributed.Probabilities.AsSpan()));
        Assert.Equal(14, backend.ShardsLabeled);
        Assert.True(backend.ShardsBySilo.Count >= 2, $"shards ran on {backend.ShardsBySilo.Count} silo(s): {string.Join(", ", backend.ShardsBySilo)}");
    }

    [Fact]
    public async Task RunAsync_StreamedJobOnThreeSilos_GivesTheLabelsOfTheListRun()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128, MaxShardsInFlight = 3 });

        LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
        (LabelingRun<string> streamed, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend);

        Assert.True(streamed.LabelsStreamed);
        Assert.Equal(plain.Matrix.FunctionNames, streamed.Matrix.FunctionNames);
        Assert.True(plain.Matrix.AsSpan().SequenceEqual(streamed.Matrix.AsSpan()));
        Assert.Equal(plain.LabelModel?.Selected, streamed.LabelModel?.Selected);
        Assert.Equal(plain.Labels, sink.Labels);
        Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(plain.Programs.Select(p => p.Faults), streamed.Programs.Select(p => p.Faults));
        Assert.Equal(14, backend.ShardsLabeled);
    }

    [Fact]
    public async Task ApplyStreamingAsync_ManyShards_ReadsNoFurtherThanTheShardsInFlightAhead()
    {
        LabelingProgram[] programs = await YouTubeRuns.KeptProgramsAsync();
        string[] items = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 40, MaxShardsInFlight = 2 });
        var source = new ReadCounter(items);
        var votes = new sbyte[items.Length * programs.Length];
        var furthestAhead = 0L;
        long gathered = 0;

        await foreach (LabeledShard shard in backend.ApplyStreamingAsync(programs, source.ReadAsync(), 2))
        {
            // Reading stops while two shards are out and a third is full; each shard is held until it is taken from here.
            furthestAhead = Math.Max(furthestAhead, source.Read - gathered);
            shard.Votes.AsSpan().CopyTo(votes.AsSpan((int)shard.FirstItem * programs.Length));
            gathered += shard.Votes.ItemCount;
        }

        LabelingResult listed = await backend.ApplyAsync(programs, items, 2, progress: null);
        Assert.Equal(items.Length, gathered);
        Assert.InRange(furthestAhead, 40, 3 * 40);
        Assert.True(listed.Matrix.AsSpan().SequenceEqual(votes));
    }

    [Fact]
    public void ApplyStreamingAsync_ItemsThatAreNotStrings_AreRefused()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client);

        Assert.Throws<NotSupportedException>(() => backend.ApplyStreamingAsync<int>([], new[] { 1, 2 }.ToAsyncEnumerable(), 2));
    }

    [Fact]
    public async Task ApplyAsync_ProgramsThatFault_SumsFaultsAndKeepsTheFirstErrorOfTheRun()
    {
        var program = new LabelingProgram("late-fault", """
            public static class LateFault
            {
                public static int Label(string item)
                {
                    if (item.Length == 7) { return int.Parse("x" + item); }
                    return item.Length > 40 ? 1 : -1;
                }
            }
            """, new ProgramProvenance { Synthesizer = "test" });
        string[] items = [.. Enumerable.Range(0, 500).Select(i => new string('a', i % 60))];
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 50 });
        using ProgramCompilation<string> local = new ProgramCompiler().Compile<string>(program);

        LabelingResult expected = new LabelingFunctionApplier(new LabelingApplierOptions { QuarantineFaultRate = 0.5 }).Apply(items, [local.Function!], 2);
        LabelingResult actual = await backend.ApplyAsync([program], items, 2, progress: null);

        Assert.True(expected.Matrix.AsSpan().SequenceEqual(actual.Matrix.AsSpan()));
        Assert.Equal(expected.Faults[0] with { FunctionName = "late-fault" }, actual.Faults[0]);
        Assert.Contains("on item 7:", actual.Faults[0].FirstError, StringComparison.Ordinal);
        Assert.Equal(9, actual.Faults[0].Exceptions);
    }

    [Fact]
    public async Task ApplyAsync_SourceThatDoesNotMatchItsHash_IsRefusedByTheSilo()
    {
        var program = new LabelingProgram("short", "public static class Short { public static int Label(string item) => item.Length < 20 ? 0 : -1; }", new ProgramProvenance { Synthesizer = "test" });
        var tampered = new TamperedBackend(silos.Cluster.Client);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => tampered.ApplyAsync(program, ["a", "b"]));

        Assert.Contains("does not match its content hash", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_ItemsThatAreNotStrings_AreRefused()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client);

        await Assert.ThrowsAsync<NotSupportedException>(() => backend.ApplyAsync<int>([], [1, 2], 2, null));
    }

    [Fact]
    public void Ctor_ShardSizeZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("ShardSize", () => new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 0 }));

    [Fact]
    public void Ctor_NullGrainFactory_Throws() =>
        Assert.Throws<ArgumentNullException>("grainFactory", () => new OrleansLabelingBackend(null!));

    /// <summary>Gives items as an asynchronous stream, counting how many were read so far.</summary>
    private sealed class ReadCounter(string[] items)
    {
        private long _read;

        public long Read => Interlocked.Read(ref _read);

        public async IAsyncEnumerable<string> ReadAsync()
        {
            foreach (string item in items)
            {
                await Task.Yield();
                Interlocked.Increment(ref _read);
                yield return item;
            }
        }
    }

    /// <summary>Sends a program whose source was changed after its hash was taken, as a corrupted or forged message would.</summary>
    private sealed class TamperedBackend(global::Orleans.IGrainFactory grains)
    {
        public Task<ShardVotes> ApplyAsync(LabelingProgram program, string[] items) =>
            grains.GetGrain<IProgramShardGrain>(Guid.NewGuid().ToString("N"))
                .ApplyAsync(new ShardWork([new ShardProgram(program.Name, program.Source.Replace("< 20", "< 30", StringComparison.Ordinal), program.ContentHash)], items, 2, 0.5, 0));
    }
}
