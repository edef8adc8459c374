using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Alchemist.Cli.Llm;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>--cluster</c> of <c>alchemist run</c>: label the items on an Orleans cluster (the Alchemist.Orleans package) instead
/// of this process alone. <c>local:N</c> starts N silos on the loopback interface in this process, to try it;
/// <c>HOST:PORT</c> joins a running cluster (silos started with <c>alchemist silo</c>) as a client, through that gateway.
/// </summary>
internal static class ClusterOption
{
    /// <summary>How long joining a running cluster may take before the gateway is reported as not answering.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The most silos <c>local:N</c> starts.</summary>
    public const int MaxLocalSilos = 16;

    /// <summary>Creates <c>--keep-votes-on-silos</c>: the votes stay on the silos, and only their statistics come back.</summary>
    public static Option<bool> CreateKeepVotes() => new("--keep-votes-on-silos")
    {
        Description = "With --cluster: the votes stay on the silos that made them; each shard returns its distinct vote rows with counts, the label model is fitted from their merged statistics, and a second call per shard finds the end model's sample. The coordinator holds no per-item votes; same labels. Votes that barely repeat are gathered after the first pass instead, with a warning.",
    };

    /// <summary>Refuses <c>--keep-votes-on-silos</c> without <c>--cluster</c>, or with <c>--embeddings</c> (which holds the items, and their votes, here).</summary>
    public static void ValidateKeepVotes(CommandResult result, Option<bool> keepVotes, Option<string?> cluster, Option<string> embeddings)
    {
        if (!result.GetValue(keepVotes))
        {
            return;
        }

        if (result.GetValue(cluster) is null)
        {
            result.AddError("--keep-votes-on-silos keeps the votes on a cluster's silos; add --cluster local:N or --cluster HOST:PORT, or leave it out.");
        }
        else if (!string.Equals((result.GetValue(embeddings) ?? EmbeddingGeneratorFactory.None).Trim(), EmbeddingGeneratorFactory.None, StringComparison.OrdinalIgnoreCase))
        {
            result.AddError("--keep-votes-on-silos cannot keep the votes of concept programs: with --embeddings they read the concept scores this process computes, so their votes are made here; leave out one of them.");
        }
    }

    /// <summary>Creates <c>--predict-on-coordinator</c>: the end model predicts the items in this process, not on the silos (<see cref="OrleansLabelingOptions.PredictOnSilos"/> off).</summary>
    public static Option<bool> CreatePredictOnCoordinator() => new("--predict-on-coordinator")
    {
        Description = "With --cluster: the end model predicts every item in this process instead of on the silos (by default it is shipped to them, when it is the default end model without embeddings); same labels. For a cluster of one machine, where the silos add only messages.",
    };

    /// <summary>Refuses <c>--predict-on-coordinator</c> without <c>--cluster</c>.</summary>
    public static void ValidatePredictOnCoordinator(CommandResult result, Option<bool> predictOnCoordinator, Option<string?> cluster)
    {
        if (result.GetValue(predictOnCoordinator) && result.GetValue(cluster) is null)
        {
            result.AddError("--predict-on-coordinator keeps a cluster run's predictions in this process; add --cluster local:N or --cluster HOST:PORT, or leave it out.");
        }
    }

    public static Option<string?> Create()
    {
        var option = new Option<string?>("--cluster")
        {
            Description = "Label the items on an Orleans cluster: local:N starts N silos on loopback in this process; HOST:PORT joins a running cluster (alchemist silo) through that gateway. Synthesis, the gate, the label model and the end model's training stay here; the silos apply the programs and (unless --predict-on-coordinator) make the end model's predictions; the labels are those of a run without it.",
            HelpName = "local:N|HOST:PORT",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && Parse(value).Error is { } error)
            {
                result.AddError(error);
            }
        });
        return option;
    }

    /// <summary>Parses a spec: the number of local silos, or a host and gateway port; or the error that names the option.</summary>
    public static (int LocalSilos, string? Host, int Port, string? Error) Parse(string value)
    {
        string usage = $"--cluster is '{value}'; use local:N for N silos on loopback in this process (1 to {MaxLocalSilos}), or HOST:PORT for a gateway of a running cluster (alchemist silo).";
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            return (0, null, 0, usage);
        }

        string head = value[..colon];
        string tail = value[(colon + 1)..];
        if (string.Equals(head, "local", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out int silos) && silos is >= 1 and <= MaxLocalSilos
                ? (silos, null, 0, null)
                : (0, null, 0, usage);
        }

        return int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535 && !string.IsNullOrWhiteSpace(head)
            ? (0, head, port, null)
            : (0, null, 0, usage);
    }

    /// <summary>Starts the local silos, or connects to the running cluster, that a valid spec names.</summary>
    /// <exception cref="UsageException">No cluster answered at the gateway.</exception>
    public static async Task<AlchemistCluster> ConnectAsync(string spec, TextWriter log, CancellationToken cancellationToken)
    {
        (int silos, string? host, int port, _) = Parse(spec);
        if (host is null)
        {
            log.WriteLine($"Starting {silos} Orleans silo{(silos == 1 ? string.Empty : "s")} on loopback in this process");
            return await AlchemistCluster.StartLocalAsync(silos, cancellationToken).ConfigureAwait(false);
        }

        // Orleans' client keeps trying an unreachable gateway for minutes; a mistyped address should fail in seconds.
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connecting.CancelAfter(ConnectTimeout);
        try
        {
            AlchemistCluster cluster = await AlchemistCluster.ConnectAsync(host, port, connecting.Token).ConfigureAwait(false);
            log.WriteLine($"Connected to the Orleans cluster at {host}:{port}");
            return cluster;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UsageException($"--cluster {spec}: no cluster answered at that gateway within {ConnectTimeout.TotalSeconds:0} s. Start silos with 'alchemist silo', or use local:N.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not UsageException)
        {
            throw new UsageException($"--cluster {spec}: no cluster answered at that gateway ({ex.GetType().Name}: {ex.Message}). Start silos with 'alchemist silo', or use local:N.");
        }
    }
}
