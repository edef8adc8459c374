using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Alchemist;

/// <summary>Represents a connection to an Orleans cluster that labels shards of Alchemist runs: silos started in this process on the loopback interface, or a client of a running cluster.</summary>
/// <remarks>
/// <para>
/// <see cref="StartLocalAsync"/> starts N silos in this process on free loopback ports, to try distribution on one
/// machine; <see cref="ConnectAsync"/> joins a running cluster as a client, through one of its gateways; a silo of
/// such a cluster is started with <see cref="StartSiloAsync"/> (the CLI's <c>alchemist silo</c>). Silos started here
/// use development clustering, whose membership lives in the first (primary) silo; a production cluster would use a
/// membership provider of its own and call <see cref="AlchemistSiloBuilderExtensions.AddAlchemistShards"/> on its silos.
/// </para>
/// <para>Dispose it to close the client and stop the silos it started.</para>
/// </remarks>
public sealed class AlchemistCluster : IAsyncDisposable
{
    /// <summary>The cluster id the silos and clients of this class use.</summary>
    public const string ClusterId = "alchemist";

    /// <summary>The service id the silos and clients of this class use.</summary>
    public const string ServiceId = "alchemist";

    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(10);

    private readonly List<IHost> _silos;
    private readonly IHost _client;

    private AlchemistCluster(List<IHost> silos, IHost client)
    {
        _silos = silos;
        _client = client;
        Client = client.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Gets the cluster client, whose grain factory an <see cref="OrleansLabelingBackend"/> uses.</summary>
    public IClusterClient Client { get; }

    /// <summary>Gets the number of silos this instance started in this process; 0 for a client of a running cluster.</summary>
    public int LocalSiloCount => _silos.Count;

    /// <summary>Starts silos in this process, on free ports of the loopback interface, and a client connected to them.</summary>
    /// <param name="siloCount">The number of silos, at least 1.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running cluster.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="siloCount"/> is less than 1.</exception>
    public static async Task<AlchemistCluster> StartLocalAsync(int siloCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        var silos = new List<IHost>();
        try
        {
            IPEndPoint? primary = null;
            var gateways = new List<IPEndPoint>();
            for (int i = 0; i < siloCount; i++)
            {
                int siloPort = FreePort();
                int gatewayPort = FreePort();
                silos.Add(await StartSiloAsync(siloPort, gatewayPort, primary, IPAddress.Loopback, cancellationToken).ConfigureAwait(false));
                primary ??= new IPEndPoint(IPAddress.Loopback, siloPort);
                gateways.Add(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            }

            IHost client = await StartClientAsync(gateways, cancellationToken).ConfigureAwait(false);
            return new AlchemistCluster(silos, client);
        }
        catch
        {
            await StopAllAsync(silos).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects to a running cluster as a client, through one of its gateways.</summary>
    /// <param name="host">The gateway's host name or address.</param>
    /// <param name="gatewayPort">The gateway's port.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty or names no address.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gatewayPort"/> is not a port number.</exception>
    public static async Task<AlchemistCluster> ConnectAsync(string host, int gatewayPort, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(gatewayPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gatewayPort, 65535);
        IPAddress address = IPAddress.TryParse(host, out IPAddress? parsed)
            ? parsed
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new ArgumentException($"The host '{host}' has no address.", nameof(host));
        IHost client = await StartClientAsync([new IPEndPoint(address, gatewayPort)], cancellationToken).ConfigureAwait(false);
        return new AlchemistCluster([], client);
    }

    /// <summary>Starts a silo that labels shards, with development clustering.</summary>
    /// <param name="siloPort">The port silos talk to each other on.</param>
    /// <param name="gatewayPort">The port clients connect to.</param>
    /// <param name="primarySilo">The silo-to-silo endpoint of the cluster's primary silo, or <see langword="null"/> for this silo to be the primary one.</param>
    /// <param name="address">The address the silo listens on and advertises; the loopback address when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started silo's host; stop and dispose it to leave the cluster.</returns>
    public static async Task<IHost> StartSiloAsync(int siloPort, int gatewayPort, IPEndPoint? primarySilo = null, IPAddress? address = null, CancellationToken cancellationToken = default)
    {
        address ??= IPAddress.Loopback;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseDevelopmentClustering(primarySilo ?? new IPEndPoint(address, siloPort));
            silo.ConfigureEndpoints(address, siloPort, gatewayPort);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            silo.AddAlchemistShards();
        });
        return await StartAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAllAsync([_client]).ConfigureAwait(false);
        // The primary silo holds the membership: stop it last.
        _silos.Reverse();
        await StopAllAsync(_silos).ConfigureAwait(false);
    }

    private static async Task<IHost> StartClientAsync(IReadOnlyList<IPEndPoint> gateways, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering([.. gateways]);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        });
        return await StartAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a host, disposing of it when it does not start.</summary>
    private static async Task<IHost> StartAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static async Task StopAllAsync(IEnumerable<IHost> hosts)
    {
        foreach (IHost host in hosts)
        {
            try
            {
                await host.StopAsync().ConfigureAwait(false);
            }
            finally
            {
                host.Dispose();
            }
        }
    }

    /// <summary>Returns a port of the loopback interface that is free now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
