using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Alchemist.Orleans.Tests;

public sealed class SiloLossTests
{
    [Fact]
    public async Task RunAsync_SiloKilledWhileShardsRun_ReissuesItsShardsAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync<HoldingSiloConfigurator>();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            ShardHold.Reset(victim.SiloAddress);
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200) });

            LabelingProgram[] programs = await YouTubeRuns.KeptProgramsAsync();
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
            string[] items = [.. Alchemist.Tests.Shared.TestData.Load("youtube").Train.Texts.Select(t => t!)];
            Task<LabelingResult> run = backend.ApplyAsync(programs, items, 2, progress: null);

            // Placement is random over three silos, so one of the 53 shards lands on the victim all but surely; it is
            // held there until the silo is dead, whatever the machine's speed, and must be issued again elsewhere.
            await ShardHold.ArrivedOnVictim.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await cluster.KillSiloAsync(victim);
            ShardHold.ReleaseHeld();
            LabelingResult distributed = await run.WaitAsync(TimeSpan.FromMinutes(3));

            Assert.False(victim.IsActive);
            Assert.True(backend.ShardsReissued > 0, "a shard placed on the killed silo should have been issued again");
            Assert.Equal(53, backend.ShardsLabeled);
            Assert.True(plain.Matrix.AsSpan().SequenceEqual(distributed.Matrix.AsSpan()));
        }
        finally
        {
            ShardHold.ReleaseHeld();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task StreamedRun_SiloKilledWhileShardsRun_ReissuesItsShardsAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync<HoldingSiloConfigurator>();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            ShardHold.Reset(victim.SiloAddress);
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200) });
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();

            // The whole streamed pipeline run: its items go to the silos as they are read, shards held in flight until
            // their votes are back; one held on the victim is issued again after the silo is killed.
            Task<(LabelingRun<string> Run, CollectingSink Sink)> run = YouTubeRuns.StreamedAsync(backend);
            await ShardHold.ArrivedOnVictim.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await cluster.KillSiloAsync(victim);
            ShardHold.ReleaseHeld();
            (LabelingRun<string> streamed, CollectingSink sink) = await run.WaitAsync(TimeSpan.FromMinutes(3));

            Assert.False(victim.IsActive);
            Assert.True(backend.ShardsReissued > 0, "a shard placed on the killed silo should have been issued again");
            Assert.Equal(53, backend.ShardsLabeled);
            Assert.True(plain.Matrix.AsSpan().SequenceEqual(streamed.Matrix.AsSpan()));
            Assert.Equal(plain.Labels, sink.Labels);
            Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        }
        finally
        {
            ShardHold.ReleaseHeld();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task StreamedRunKeepingVotes_SiloKilledWhileShardsRun_ReissuesItsShardsAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync<HoldingSiloConfigurator>();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            ShardHold.Reset(victim.SiloAddress);
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200), KeepVotesOnSilos = true });
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();

            // Pass one of a run whose votes stay on the silos: every shard placed on the victim is held there until it is
            // killed, then issued again elsewhere (the between-passes case is KeptVotesSiloLossTests').
            Task<(LabelingRun<string> Run, CollectingSink Sink)> run = YouTubeRuns.StreamedAsync(backend);
            await ShardHold.ArrivedOnVictim.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await cluster.KillSiloAsync(victim);
            ShardHold.ReleaseHeld();
            (LabelingRun<string> kept, CollectingSink sink) = await run.WaitAsync(TimeSpan.FromMinutes(4));

            Assert.False(victim.IsActive);
            Assert.True(backend.ShardsReissued > 0, "a shard placed on the killed silo should have been issued again");
            Assert.Equal(0, kept.Matrix.ItemCount);
            Assert.Equal(plain.Labels, sink.Labels);
            Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        }
        finally
        {
            ShardHold.ReleaseHeld();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task StreamedRun_SiloKilledWhileShardsArePredicted_PredictsThemAgainAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync<HoldingSiloConfigurator>();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            ShardHold.Reset(victim.SiloAddress, HeldCalls.Prediction);
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200) });
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();

            // The labeling pass runs freely; in the prediction pass (53 shards at random over three silos), a shard on the
            // victim is held there until it is killed, then predicted again elsewhere as a new grain.
            Task<(LabelingRun<string> Run, CollectingSink Sink)> run = YouTubeRuns.StreamedAsync(backend);
            await ShardHold.ArrivedOnVictim.Task.WaitAsync(TimeSpan.FromMinutes(2));
            long reissuedBeforeKill = backend.ShardsReissued;
            await cluster.KillSiloAsync(victim);
            ShardHold.ReleaseHeld();
            (_, CollectingSink sink) = await run.WaitAsync(TimeSpan.FromMinutes(3));

            Assert.False(victim.IsActive);
            Assert.Equal(0, reissuedBeforeKill);
            Assert.True(backend.ShardsReissued > 0, "a shard predicted on the killed silo should have been issued again");
            Assert.Equal(53, backend.ShardsPredicted);
            Assert.Equal(plain.Labels, sink.Labels);
            Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        }
        finally
        {
            ShardHold.ReleaseHeld();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task StreamedRunKeepingVotes_SiloKilledWhileTheSampleIsFound_LabelsItsShardsAgainAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync<HoldingSiloConfigurator>();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            ShardHold.Reset(victim.SiloAddress, HeldCalls.Sample);
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200), KeepVotesOnSilos = true });
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();

            // Pass one keeps the votes on the silos; in pass two, the end model's sample is asked of every shard at once, and
            // a call that reaches the victim is held there until it is killed: its shards are labeled again from the source.
            Task<(LabelingRun<string> Run, CollectingSink Sink)> run = YouTubeRuns.StreamedAsync(backend);
            await ShardHold.ArrivedOnVictim.Task.WaitAsync(TimeSpan.FromMinutes(2));
            long reissuedBeforeKill = backend.ShardsReissued;
            await cluster.KillSiloAsync(victim);
            ShardHold.ReleaseHeld();
            (LabelingRun<string> kept, CollectingSink sink) = await run.WaitAsync(TimeSpan.FromMinutes(4));

            Assert.False(victim.IsActive);
            Assert.Equal(0, reissuedBeforeKill);
            Assert.True(backend.ShardsReissued > 0, "a shard whose votes were on the killed silo should have been labeled again");
            Assert.Equal(0, kept.Matrix.ItemCount);
            Assert.Equal(plain.LabelModel!.Selected, kept.LabelModel!.Selected);
            Assert.Equal(plain.Labels, sink.Labels);
            Assert.Equal(plain.Probabilities.AsSpan().ToArray(), sink.Probabilities);
        }
        finally
        {
            ShardHold.ReleaseHeld();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Which of the victim's calls are held.</summary>
    private enum HeldCalls
    {
        /// <summary>The labeling pass's: a program shard, or a vote shard's first call.</summary>
        Labeling,

        /// <summary>The prediction pass's.</summary>
        Prediction,

        /// <summary>A vote shard's call for the end model's sample.</summary>
        Sample,
    }

    /// <summary>Where the victim silo's shard calls wait: the test's one run at a time (static, as the silos' filters are built by their own containers).</summary>
    private static class ShardHold
    {
        private static SiloAddress? s_victim;
        private static volatile HeldCalls s_held;
        private static TaskCompletionSource s_released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static TaskCompletionSource ArrivedOnVictim { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static HeldCalls Held => s_held;

        public static void Reset(SiloAddress victim, HeldCalls held = HeldCalls.Labeling)
        {
            s_held = held;
            ArrivedOnVictim = new(TaskCreationOptions.RunContinuationsAsynchronously);
            s_released = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref s_victim, victim);
        }

        public static void ReleaseHeld() => s_released.TrySetResult();

        public static async Task HoldIfVictimAsync(SiloAddress silo)
        {
            if (silo.Equals(Volatile.Read(ref s_victim)))
            {
                ArrivedOnVictim.TrySetResult();
                await s_released.Task.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                throw new InvalidOperationException("This shard was held on a silo the test killed; its answer must not be used.");
            }
        }
    }

    /// <summary>Holds every shard call that reaches the victim silo until the test has killed it.</summary>
    private sealed class HoldOnVictimFilter(ILocalSiloDetails silo) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            Type grain = context.InterfaceMethod.DeclaringType!;
            string method = context.InterfaceMethod.Name;
            bool held = ShardHold.Held switch
            {
                HeldCalls.Prediction => grain == typeof(IPredictionShardGrain),
                HeldCalls.Sample => grain == typeof(IVoteShardGrain) && method == nameof(IVoteShardGrain.SampleAsync),
                _ => grain == typeof(IProgramShardGrain) || (grain == typeof(IVoteShardGrain) && method == nameof(IVoteShardGrain.ApplyAsync)),
            };
            if (held)
            {
                await ShardHold.HoldIfVictimAsync(silo.SiloAddress);
            }

            await context.Invoke();
        }
    }

    private sealed class HoldingSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddAlchemistShards().AddIncomingGrainCallFilter<HoldOnVictimFilter>();
    }
}
