using Orleans.TestingHost;

namespace Alchemist.Orleans.Tests;

/// <summary>A run keeping its votes on the silos whose votes barely repeat: it gathers them after pass one and goes on as the gathered run (issue #15).</summary>
public sealed class KeptVotesFallbackTests(ThreeSiloCluster silos) : IClassFixture<ThreeSiloCluster>
{
    /// <summary>More items than the 65,536 whose distinct rows decide whether a run with the matrix groups its rows.</summary>
    private const int ItemCount = 70_000;

    private const int Classes = 4;

    private static readonly Lazy<Task<(LabelingRun<string> Run, CollectingSink Sink)>> Plain = new(() => RunAsync(backend: null));

    [Fact]
    public async Task RunAsync_KeepingVotesThatBarelyRepeat_GathersThemAndGivesTheLabelsOfThePlainAndGatheredRuns()
    {
        (LabelingRun<string> plain, CollectingSink plainSink) = await Plain.Value;
        var gatheredBackend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 4096, MaxShardsInFlight = 3 });
        (LabelingRun<string> gathered, CollectingSink gatheredSink) = await RunAsync(gatheredBackend);
        var keptBackend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 4096, MaxShardsInFlight = 3, KeepVotesOnSilos = true });
        (LabelingRun<string> kept, CollectingSink keptSink) = await RunAsync(keptBackend);

        // The programs vote on a hash of the item: more than half of the first 65,536 rows are distinct, so the plain run
        // fits its label model on the rows themselves, and the kept run gathered the votes to do the same.
        string warning = Assert.Single(kept.Warnings, w => w.StartsWith("The votes barely repeat (", StringComparison.Ordinal));
        Assert.Contains("distinct rows in the first 65536 items), so they were gathered from the cluster into one matrix here", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(gathered.Warnings, w => w.StartsWith("The votes barely repeat", StringComparison.Ordinal));

        Assert.Null(kept.VoteStatistics);
        Assert.Equal(ItemCount, kept.Matrix.ItemCount);
        Assert.Equal(plain.Matrix.FunctionNames, kept.Matrix.FunctionNames);
        Assert.True(plain.Matrix.AsSpan().SequenceEqual(kept.Matrix.AsSpan()));
        Assert.True(plain.SeedModelVoted && kept.SeedModelVoted);
        Assert.Equal(plain.LabelModel!.Selected, kept.LabelModel!.Selected);
        Assert.Equal(plain.LabelModel.ClassBalance, kept.LabelModel.ClassBalance);
        Assert.Equal(plain.Programs.Select(p => p.Faults), kept.Programs.Select(p => p.Faults));
        Assert.Equal(plain.Analysis.Functions.Select(f => (f.Coverage, f.Overlaps, f.Conflicts, f.Votes)), kept.Analysis.Functions.Select(f => (f.Coverage, f.Overlaps, f.Conflicts, f.Votes)));
        Assert.Equal(ItemCount, plainSink.Labels.Count);
        Assert.Equal(plainSink.Labels, keptSink.Labels);
        Assert.Equal(plainSink.Probabilities, keptSink.Probabilities);
        Assert.Equal(gatheredSink.Labels, keptSink.Labels);
        Assert.Equal(gatheredSink.Probabilities, keptSink.Probabilities);
        Assert.Equal(18, keptBackend.ShardsLabeled);
        Assert.Equal(0, keptBackend.ShardsReissued);
    }

    [Fact]
    public async Task RunAsync_SiloKilledBeforeTheVotesAreGathered_LabelsItsShardsAgainAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 4096, MaxShardsInFlight = 3, RetryDelay = TimeSpan.FromMilliseconds(200), KeepVotesOnSilos = true });
            (_, CollectingSink plainSink) = await Plain.Value;

            // Killed when pass one has every item's votes on the silos, before they are gathered: a third of the 18
            // shards (random placement) are on the victim, and are labeled again from the source when asked for.
            var killer = new KillWhenApplied(ItemCount, () => cluster.KillSiloAsync(victim));
            (LabelingRun<string> kept, CollectingSink sink) = await RunAsync(backend, killer).WaitAsync(TimeSpan.FromMinutes(4));

            Assert.True(killer.Killed);
            Assert.False(victim.IsActive);
            Assert.True(backend.ShardsReissued > 0, "a shard whose votes were on the killed silo should have been labeled again");
            Assert.Contains(kept.Warnings, w => w.StartsWith("The votes barely repeat (", StringComparison.Ordinal));
            Assert.Null(kept.VoteStatistics);
            Assert.Equal(plainSink.Labels, sink.Labels);
            Assert.Equal(plainSink.Probabilities, sink.Probabilities);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>The hashed job streamed, with no backend (the plain run) or through one.</summary>
    private static async Task<(LabelingRun<string> Run, CollectingSink Sink)> RunAsync(IStreamingLabelingBackend? backend, IProgress<PipelineProgress>? progress = null)
    {
        var pipeline = new LabelingPipeline([], new LabelingPipelineOptions { Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null, EndModelSampleSize = 5_000 });
        var sink = new CollectingSink();
        var job = new LabelingJob<string>(
            new LabelingTask("hashed", "Which class does the item name?", [.. Enumerable.Range(0, Classes).Select(c => "c" + c)]),
            ItemSource.FromList<string>([.. Enumerable.Range(0, ItemCount).Select(Item)]),
            sink)
        {
            Programs = [.. Enumerable.Range(0, 10).Select(j => new LabelingProgram($"hashed-{j}", Source(j), new ProgramProvenance { Synthesizer = "test" }))],
            SeedSet = [.. Enumerable.Range(1_000_000, 400).Select(i => new LabeledExample<string>(Item(i), i % Classes))],
            LabelingBackend = backend,
        };
        return (await pipeline.RunAsync(job, progress), sink);
    }

    private static string Item(int i) => $"c{i % Classes} n{i}";

    /// <summary>A program that votes the item's class, a class from its hash, or abstains, by a hash of the item of its own (about 52,000 distinct rows of ten programs in the first 65,536 items).</summary>
    private static string Source(int j) => $$"""
        public static class Hashed{{j}}
        {
            public static int Label(string item)
            {
                long h = {{j + 7}};
                foreach (char ch in item)
                {
                    h = ((h * {{31 + (2 * j)}}) + ch) % 1000003;
                }

                // Mixed (Park-Miller steps), so that the programs' votes barely repeat across items.
                for (int step = 0; step < 3; step++)
                {
                    h = (h * 48271) % 2147483647;
                }

                long r = h % 4;
                return r == 0 ? -1 : r == 1 ? (int)((h / 4) % {{Classes}}) : item[1] - '0';
            }
        }
        """;

    /// <summary>Kills a silo, on the pipeline's thread, when the apply stage reports every item labeled (pass one done).</summary>
    private sealed class KillWhenApplied(long items, Func<Task> kill) : IProgress<PipelineProgress>
    {
        public bool Killed { get; private set; }

        public void Report(PipelineProgress value)
        {
            if (value.Stage == PipelineStage.Apply && value.Completed == items && !Killed)
            {
                Killed = true;
                kill().GetAwaiter().GetResult();
            }
        }
    }
}
