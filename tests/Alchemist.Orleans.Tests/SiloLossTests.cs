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
        // The whole streamed pipeline run: its items go to the silos as they are read, shards held in flight until
        // their votes are back; one held on the victim is issued again after the silo is killed.
        KilledRun killed = await StreamedRunWithVictimKilledAsync(HeldCalls.Labeling, keepVotes: false, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(3));

        Assert.False(killed.VictimActive);
        Assert.True(killed.Backend.ShardsReissued > 0, "a shard placed on the killed silo should have been issued again");
        Assert.Equal(53, killed.Backend.ShardsLabeled);
        Assert.True(killed.Plain.Matrix.AsSpan().SequenceEqual(killed.Run.Matrix.AsSpan()));
        Assert.Equal(killed.Plain.Labels, killed.Sink.Labels);
        Assert.Equal(killed.Plain.Probabilities.AsSpan().ToArray(), killed.Sink.Probabilities);
    }

    [Fact]
    public async Task StreamedRunKeepingVotes_SiloKilledWhileShardsRun_ReissuesItsShardsAndGivesTheSameLabels()
    {
        // Pass one of a run whose votes stay on the silos: every shard placed on the victim is held there until it is
        // killed, then issued again elsewhere (the between-passes case is KeptVotesSiloLossTests').
        KilledRun killed = await StreamedRunWithVictimKilledAsync(HeldCalls.Labeling, keepVotes: true, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(4));

        Assert.False(killed.VictimActive);
        Assert.True(killed.Backend.ShardsReissued > 0, "a shard placed on the killed silo should have been issued again");
        Assert.Equal(0, killed.Run.Matrix.ItemCount);
        Assert.Equal(killed.Plain.Labels, killed.Sink.Labels);
        Assert.Equal(killed.Plain.Probabilities.AsSpan().ToArray(), killed.Sink.Probabilities);
    }

    [Fact]
    public async Task StreamedRun_SiloKilledWhileShardsArePredicted_PredictsThemAgainAndGivesTheSameLabels()
    {
        // The labeling pass runs freely; in the prediction pass (53 shards at random over three silos), a shard on the
        // victim is held there until it is killed, then predicted again elsewhere as a new grain.
        KilledRun killed = await StreamedRunWithVictimKilledAsync(HeldCalls.Prediction, keepVotes: false, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));

        Assert.False(killed.VictimActive);
        Assert.Equal(0, killed.ReissuedBeforeKill);
        Assert.True(killed.Backend.ShardsReissued > 0, "a shard predicted on the killed silo should have been issued again");
        Assert.Equal(53, killed.Backend.ShardsPredicted);
        Assert.Equal(killed.Plain.Labels, killed.Sink.Labels);
        Assert.Equal(killed.Plain.Probabilities.AsSpan().ToArray(), killed.Sink.Probabilities);
    }

    [Fact]
    public async Task StreamedRunKeepingVotes_SiloKilledWhileTheSampleIsFound_LabelsItsShardsAgainAndGivesTheSameLabels()
    {
        // Pass one keeps the votes on the silos; in pass two, the end model's sample is asked of every shard at once, and
        // a call that reaches the victim is held there until it is killed: its shards are labeled again from the source.
        KilledRun killed = await StreamedRunWithVictimKilledAsync(HeldCalls.Sample, keepVotes: true, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4));

        Assert.False(killed.VictimActive);
        Assert.Equal(0, killed.ReissuedBeforeKill);
        Assert.True(killed.Backend.ShardsReissued > 0, "a shard whose votes were on the killed silo should have been labeled again");
        Assert.Equal(0, killed.Run.Matrix.ItemCount);
        Assert.Equal(killed.Plain.LabelModel!.Selected, killed.Run.LabelModel!.Selected);
        Assert.Equal(killed.Plain.Labels, killed.Sink.Labels);
        Assert.Equal(killed.Plain.Probabilities.AsSpan().ToArray(), killed.Sink.Probabilities);
    }

    /// <summary>
    /// Runs the YouTube job streamed on three silos (shards of 32, six in flight) while the victim silo holds the
    /// <paramref name="held"/> calls that reach it; once one has arrived (within <paramref name="arrival"/>) the victim is
    /// killed and released, and the run must finish within <paramref name="finish"/>. The cluster is stopped either way.
    /// </summary>
    private static async Task<KilledRun> StreamedRunWithVictimKilledAsync(HeldCalls held, bool keepVotes, TimeSpan arrival, TimeSpan finish)
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync<HoldingSiloConfigurator>();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            ShardHold.Reset(victim.SiloAddress, held);
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200), KeepVotesOnSilos = keepVotes });
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
            Task<(LabelingRun<string> Run, CollectingSink Sink)> run = YouTubeRuns.StreamedAsync(backend);
            await ShardHold.ArrivedOnVictim.Task.WaitAsync(arrival);
            long reissuedBeforeKill = backend.ShardsReissued;
            await cluster.KillSiloAsync(victim);
            ShardHold.ReleaseHeld();
            (LabelingRun<string> streamed, CollectingSink sink) = await run.WaitAsync(finish);
            return new KilledRun(plain, streamed, sink, backend, victim.IsActive, reissuedBeforeKill);
        }
        finally
        {
            ShardHold.ReleaseHeld();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>What a streamed run with its victim silo killed gives: the single-process run, the streamed run and its sink, the backend's counts, whether the victim was active when the run ended, and the shards re-issued before the kill.</summary>
    private sealed record KilledRun(LabelingRun<string> Plain, LabelingRun<string> Run, CollectingSink Sink, OrleansLabelingBackend Backend, bool VictimActive, long ReissuedBeforeKill);

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
