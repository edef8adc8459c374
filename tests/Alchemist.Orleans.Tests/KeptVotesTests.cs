using Alchemist.Tests.Shared;
using Orleans.TestingHost;

namespace Alchemist.Orleans.Tests;

/// <summary>Runs whose votes stay on the silos (<see cref="OrleansLabelingOptions.KeepVotesOnSilos"/>): the labels of the plain run, from the shards' statistics.</summary>
public sealed class KeptVotesTests(ThreeSiloCluster silos) : IClassFixture<ThreeSiloCluster>
{
    [Fact]
    public async Task RunAsync_StreamedJobKeepingVotesOnThreeSilos_GivesTheLabelsOfThePlainRun()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128, MaxShardsInFlight = 3, KeepVotesOnSilos = true });

        LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
        (LabelingRun<string> kept, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend);

        // The coordinator held no matrix: the run's matrix has the programs' columns and no items, and its statistics
        // are those of the plain run's matrix (distinct rows in the same order, same counts).
        Assert.Equal(0, kept.Matrix.ItemCount);
        Assert.Equal(plain.Matrix.FunctionNames, kept.Matrix.FunctionNames);
        Assert.Null(kept.MatrixSpillBytes);
        LabelStatistics expected = LabelStatistics.Compute(plain.Matrix);
        LabelStatistics actual = Assert.IsType<LabelStatistics>(kept.VoteStatistics);
        Assert.Equal(expected.ItemCount, actual.ItemCount);
        Assert.Equal(expected.DistinctRowCount, actual.DistinctRowCount);
        for (int r = 0; r < expected.DistinctRowCount; r++)
        {
            Assert.Equal(expected.GetDistinctRow(r).ToArray(), actual.GetDistinctRow(r).ToArray());
            Assert.Equal(expected.GetDistinctRowCount(r), actual.GetDistinctRowCount(r));
        }

        Assert.Equal(plain.LabelModel!.Selected, kept.LabelModel!.Selected);
        Assert.Equal(plain.LabelModel.ClassBalance, kept.LabelModel.ClassBalance);
        Assert.Equal(plain.LabelModel.CandidateScores, kept.LabelModel.CandidateScores);
        Assert.Equal(plain.Labels, sink.Labels);
        Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(plain.Programs.Select(p => p.Faults), kept.Programs.Select(p => p.Faults));
        Assert.Equal(plain.Analysis.Coverage, kept.Analysis.Coverage);
        Assert.Equal(plain.Analysis.Functions.Select(f => (f.Coverage, f.Overlaps, f.Conflicts, f.Votes)), kept.Analysis.Functions.Select(f => (f.Coverage, f.Overlaps, f.Conflicts, f.Votes)));
        Assert.Equal((plain.Test!.EndModel.Accuracy, plain.Test.EndModel.F1), (kept.Test!.EndModel.Accuracy, kept.Test.EndModel.F1));
        Assert.Equal((plain.Test.LabelModel!.Accuracy, plain.Test.LabelModel.F1), (kept.Test.LabelModel!.Accuracy, kept.Test.LabelModel.F1));
        Assert.Equal(14, backend.ShardsLabeled);
    }

    [Fact]
    public async Task RunAsync_StreamedJobKeepingVotesWithTheNestedChoice_MakesTheListRunsChoiceAtTheCoordinator()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { ShardSize = 128, MaxShardsInFlight = 3, KeepVotesOnSilos = true });

        // The fold runs are list runs here over the items gathered with the end model's sample (all 1,586: under the bound).
        LabelingRun<string> listed = await YouTubeRuns.RunAsync(backend: null, NestedChoice.TurnOn);
        var progress = new FoldReports();
        (LabelingRun<string> kept, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend, progress, configure: NestedChoice.TurnOn);

        object? expected = NestedChoice.Of(listed);
        Assert.NotNull(expected);
        Assert.Equal(expected, NestedChoice.Of(kept));
        Assert.NotNull(kept.VoteStatistics);
        Assert.Equal(listed.Labels, sink.Labels);
        Assert.Equal(listed.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        Assert.Contains(progress.Messages, m => m.StartsWith("final choice, fold 5 of 5: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_KeepingVotesForAListJob_IsRefusedBeforeAnyWork()
    {
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { KeepVotesOnSilos = true });
        var job = new LabelingJob<string>(new LabelingTask("t", "Is it b?", ["a", "b"]), ["x", "y"]) { LabelingBackend = backend };

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>("job", () => new LabelingPipeline([new OfflineProgramSynthesizer()]).RunAsync(job));

        Assert.StartsWith("Keeping the votes on the cluster (KeepVotesOnSilos) needs a streamed job (LabelingJob.Source)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, backend.ShardsLabeled);
    }

    [Fact]
    public async Task RunAsync_KeepingVotesWithAnEmbeddingGenerator_IsRefusedBeforeAnyWork()
    {
        // Concept programs read the concept scores the coordinator computes, so their votes could not stay on the silos.
        var backend = new OrleansLabelingBackend(silos.Cluster.Client, new OrleansLabelingOptions { KeepVotesOnSilos = true });
        var job = new LabelingJob<string>(new LabelingTask("t", "Is it b?", ["a", "b"]), ItemSource.FromList<string>(["x", "y"]), new CollectingSink()) { LabelingBackend = backend };
        var pipeline = new LabelingPipeline([new OfflineProgramSynthesizer()], new LabelingPipelineOptions { EmbeddingGenerator = new UncalledEmbeddingGenerator() });

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>("job", () => pipeline.RunAsync(job));

        Assert.StartsWith("Keeping the votes on the cluster (KeepVotesOnSilos) cannot keep the votes of concept programs", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, backend.ShardsLabeled);
    }

    /// <summary>The final check against the seed-only model, always on (<see cref="EndModelChoiceMode.Always"/>).</summary>
    private static class NestedChoice
    {
        public static void TurnOn(LabelingPipelineOptions options) => options.EndModelChoice = EndModelChoiceMode.Always;

        /// <summary>Gets the run's check as its figures, equal when every figure is.</summary>
        public static object? Of(LabelingRun run) => run.EndModelChoice is not { } c
            ? null
            : (c.Folds, c.SeedItems, c.MetricName, c.PipelineScore, c.SeedOnlyScore, c.SeedOnlyRightAlone, c.PipelineRightAlone, c.SeedOnlyShipped);
    }

    /// <summary>Collects the progress messages of the distill stage.</summary>
    private sealed class FoldReports : IProgress<PipelineProgress>
    {
        private readonly Lock _lock = new();

        public List<string> Messages { get; } = [];

        public void Report(PipelineProgress value)
        {
            if (value.Stage == PipelineStage.Distill)
            {
                lock (_lock)
                {
                    Messages.Add(value.Message);
                }
            }
        }
    }

    /// <summary>An embedding generator that fails the test if the run ever asks it for a vector.</summary>
    private sealed class UncalledEmbeddingGenerator : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The run embedded text before refusing the job.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

/// <summary>A silo lost between the passes of a run whose votes stay on the silos.</summary>
public sealed class KeptVotesSiloLossTests
{
    [Fact]
    public async Task RunAsync_SiloKilledBetweenThePasses_LabelsItsShardsAgainAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 64, MaxShardsInFlight = 4, RetryDelay = TimeSpan.FromMilliseconds(200), KeepVotesOnSilos = true });
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();

            // When the label model's stage begins, every shard's votes are on the silos: a third of the 27 shards (random
            // placement) are on the victim, and must be labeled again from the source when the sample is drawn.
            var killer = new KillOnStage(PipelineStage.Aggregate, () => cluster.KillSiloAsync(victim));
            (LabelingRun<string> kept, CollectingSink sink) = await YouTubeRuns.StreamedAsync(backend, killer).WaitAsync(TimeSpan.FromMinutes(4));

            Assert.True(killer.Killed);
            Assert.False(victim.IsActive);
            Assert.True(backend.ShardsReissued > 0, "a shard whose votes were on the killed silo should have been labeled again");
            Assert.Equal(plain.Labels, sink.Labels);
            Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
            Assert.Equal(plain.LabelModel!.Selected, kept.LabelModel!.Selected);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Kills a silo, on the pipeline's thread, the first time a stage is reported.</summary>
    private sealed class KillOnStage(PipelineStage stage, Func<Task> kill) : IProgress<PipelineProgress>
    {
        public bool Killed { get; private set; }

        public void Report(PipelineProgress value)
        {
            if (value.Stage == stage && !Killed)
            {
                Killed = true;
                kill().GetAwaiter().GetResult();
            }
        }
    }
}
