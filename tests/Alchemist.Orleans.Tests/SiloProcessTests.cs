using System.Diagnostics;
using Alchemist.Cli.Tests;

namespace Alchemist.Orleans.Tests;

public sealed class SiloProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly string _root = Directory.CreateTempSubdirectory("alchemist-silos-").FullName;
    private readonly List<Process> _silos = [];

    [Fact]
    public void Run_ClusterOfTwoSiloProcessesOnLoopback_WritesTheLabelsOfARunWithoutIt()
    {
        string data = CliRunner.SmallYouTube(_root);
        int primaryPort = AlchemistCluster.FreePort();
        int gatewayPort = AlchemistCluster.FreePort();
        StartSilo("--port", $"{primaryPort}", "--gateway-port", $"{gatewayPort}");
        StartSilo("--port", $"{AlchemistCluster.FreePort()}", "--gateway-port", $"{AlchemistCluster.FreePort()}", "--primary", $"127.0.0.1:{primaryPort}");

        (int clusterCode, _, string clusterError) = CliRunner.Run("run", "--data", data, "--in-process", "--cluster", $"127.0.0.1:{gatewayPort}", "--out", Path.Combine(_root, "cluster"));
        (int plainCode, _, string plainError) = CliRunner.Run("run", "--data", data, "--in-process", "--out", Path.Combine(_root, "plain"));

        Assert.True(clusterCode == 0, clusterError);
        Assert.True(plainCode == 0, plainError);
        Assert.Contains($"Connected to the Orleans cluster at 127.0.0.1:{gatewayPort}", clusterError, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "plain", "labels.jsonl")), File.ReadAllBytes(Path.Combine(_root, "cluster", "labels.jsonl")));
        Assert.All(_silos, silo => Assert.False(silo.HasExited));
    }

    [Theory]
    [InlineData("local:0")]
    [InlineData("local:17")]
    [InlineData("local:x")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData(":30000")]
    public void Run_BadClusterSpec_IsRefusedBeforeAnyWork(string spec)
    {
        string output = Path.Combine(_root, "refused");

        (int code, _, string error) = CliRunner.Run("run", "--cluster", spec, "--out", output);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: --cluster is '{spec}'; use local:N", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Run_GatewayThatDoesNotAnswer_IsRefusedBeforeTheOutputFolderIsMade()
    {
        string data = CliRunner.SmallYouTube(_root);
        string output = Path.Combine(_root, "unreachable");
        int closed = AlchemistCluster.FreePort(); // free: nothing listens there

        (int code, _, string error) = CliRunner.Run("run", "--data", data, "--in-process", "--cluster", $"127.0.0.1:{closed}", "--out", output);

        Assert.Equal(2, code);
        Assert.Contains($"--cluster 127.0.0.1:{closed}: no cluster answered at that gateway", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    public void Dispose()
    {
        foreach (Process silo in _silos)
        {
            if (!silo.HasExited)
            {
                silo.Kill(entireProcessTree: true);
                silo.WaitForExit(10_000);
            }

            silo.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Starts <c>alchemist silo</c> as a process of its own and waits until it says it is ready.</summary>
    private void StartSilo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "alchemist.dll"));
        start.ArgumentList.Add("silo");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process silo = Process.Start(start)!;
        _silos.Add(silo);
        silo.ErrorDataReceived += (_, _) => { };
        silo.BeginErrorReadLine();
        Task<string?> ready = Task.Run(() =>
        {
            for (string? line = silo.StandardOutput.ReadLine(); line is not null; line = silo.StandardOutput.ReadLine())
            {
                if (line.StartsWith("Silo ready", StringComparison.Ordinal))
                {
                    return line;
                }
            }

            return null;
        });
        Assert.True(ready.Wait(StartTimeout) && ready.Result is not null, $"the silo ({string.Join(' ', args)}) did not say it was ready within {StartTimeout}");
    }
}
