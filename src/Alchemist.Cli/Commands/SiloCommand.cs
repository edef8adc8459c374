using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Hosting;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist silo</c>: an Orleans silo that labels shards for <c>alchemist run --cluster HOST:PORT</c>, until Ctrl-C.
/// The first silo of a cluster is its primary (development clustering); every other one names it with <c>--primary</c>.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        Option<int> port = new("--port") { Description = "The port silos talk to each other on.", DefaultValueFactory = _ => 11111, HelpName = "PORT" };
        Option<int> gatewayPort = new("--gateway-port") { Description = "The port clients (alchemist run --cluster HOST:PORT) connect to.", DefaultValueFactory = _ => 30000, HelpName = "PORT" };
        Option<string?> primary = new("--primary") { Description = "The silo port of the cluster's primary silo, as HOST:PORT; leave it out for this silo to be the primary one.", HelpName = "HOST:PORT" };
        Option<string> address = new("--address") { Description = "The address the silo listens on and advertises.", DefaultValueFactory = _ => "127.0.0.1", HelpName = "IP" };
        var command = new Command("silo", "Run an Orleans silo that labels shards of runs started with alchemist run --cluster HOST:PORT, until Ctrl-C.")
        {
            port, gatewayPort, primary, address,
        };
        command.SetAction((parsed, cancellationToken) => RunAsync(
            parsed.InvocationConfiguration.Output,
            Port(parsed.GetValue(port), "--port"),
            Port(parsed.GetValue(gatewayPort), "--gateway-port"),
            parsed.GetValue(primary) is { } p ? Endpoint(p) : null,
            IPAddress.TryParse(parsed.GetValue(address), out IPAddress? ip) ? ip : throw new UsageException($"--address is '{parsed.GetValue(address)}'; give an IP address, such as 127.0.0.1."),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, int port, int gatewayPort, IPEndPoint? primary, IPAddress address, CancellationToken cancellationToken)
    {
        using IHost silo = await AlchemistCluster.StartSiloAsync(port, gatewayPort, primary, address, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Silo ready: {address}:{port}, gateway {address}:{gatewayPort}{(primary is null ? " (primary)" : $", primary {primary}")}. Ctrl-C stops it.");
        output.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: leave the cluster cleanly.
        }

        await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static int Port(int value, string option) =>
        value is >= 1 and <= 65535 ? value : throw new UsageException($"{option} is {value}; give a port in 1..65535.");

    private static IPEndPoint Endpoint(string value)
    {
        (_, string? host, int port, _) = ClusterOption.Parse(value);
        return host is not null && IPAddress.TryParse(host, out IPAddress? ip)
            ? new IPEndPoint(ip, port)
            : throw new UsageException($"--primary is '{value}'; give the primary silo's IP:PORT, such as 127.0.0.1:11111.");
    }
}
