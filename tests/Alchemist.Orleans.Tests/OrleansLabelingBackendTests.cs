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

    /// <summary>Sends a program whose source was changed after its hash was taken, as a corrupted or forged message would.</summary>
    private sealed class TamperedBackend(global::Orleans.IGrainFactory grains)
    {
        public Task<ShardVotes> ApplyAsync(LabelingProgram program, string[] items) =>
            grains.GetGrain<IProgramShardGrain>(Guid.NewGuid().ToString("N"))
                .ApplyAsync(new ShardWork([new ShardProgram(program.Name, program.Source.Replace("< 20", "< 30", StringComparison.Ordinal), program.ContentHash)], items, 2, 0.5, 0));
    }
}
