using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Alchemist.Orleans.Tests;

/// <summary>A TestingHost cluster of three silos that label shards; shared by the tests of a class, or started by a test of its own that stops a silo.</summary>
public sealed class ThreeSiloCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public static Task<TestCluster> StartAsync() => StartAsync<SiloConfigurator>();

    /// <summary>Starts a cluster whose silos are configured by <typeparamref name="TConfigurator"/> (which should add the shard grains).</summary>
    public static async Task<TestCluster> StartAsync<TConfigurator>()
        where TConfigurator : ISiloConfigurator, new()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<TConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async Task InitializeAsync() => Cluster = await StartAsync();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddAlchemistShards();
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        // A call to a killed silo fails when its connection drops; the timeout only bounds a call that hangs.
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
    }
}
