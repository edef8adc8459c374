using Orleans.TestingHost;

namespace Alchemist.Orleans.Tests;

public sealed class SiloLossTests
{
    [Fact]
    public async Task RunAsync_SiloKilledWhileShardsRun_ReissuesItsShardsAndGivesTheSameLabels()
    {
        TestCluster cluster = await ThreeSiloCluster.StartAsync();
        try
        {
            SiloHandle victim = cluster.SecondarySilos[0];
            var backend = new OrleansLabelingBackend(cluster.Client, new OrleansLabelingOptions { ShardSize = 32, MaxShardsInFlight = 6, RetryDelay = TimeSpan.FromMilliseconds(200) });
            var killer = new KillOnFirstShard(cluster, victim);

            LabelingProgram[] programs = await YouTubeRuns.KeptProgramsAsync();
            LabelingRun<string> plain = await YouTubeRuns.PlainAsync();
            string[] items = [.. Alchemist.Tests.Shared.TestData.Load("youtube").Train.Texts.Select(t => t!)];
            LabelingResult distributed = await backend.ApplyAsync(programs, items, 2, killer);
            await killer.Killed;

            Assert.False(victim.IsActive);
            Assert.True(backend.ShardsReissued > 0, "a shard placed on the killed silo should have been issued again");
            Assert.Equal(53, backend.ShardsLabeled);
            Assert.True(plain.Matrix.AsSpan().SequenceEqual(distributed.Matrix.AsSpan()));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Kills a silo when the first shard comes back, while the others are in flight or queued.</summary>
    private sealed class KillOnFirstShard(TestCluster cluster, SiloHandle victim) : IProgress<LabelingProgress>
    {
        private int _fired;

        public Task Killed { get; private set; } = Task.CompletedTask;

        public void Report(LabelingProgress value)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                // Wait for the kill before the run goes on: on a fast machine the remaining shards could otherwise
                // all finish before the silo is gone. Shards issued after it are still placed on it until the
                // cluster notices, and fail there.
                Killed = cluster.KillSiloAsync(victim);
                Killed.GetAwaiter().GetResult();
            }
        }
    }
}
