using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;

namespace Alchemist;

/// <summary>An <see cref="ILabelingBackend"/> that labels a run's items on an Orleans cluster: the items are cut into shards, each labeled by a shard grain wherever the cluster places it.</summary>
/// <remarks>
/// <para>
/// A shard grain compiles the run's kept programs from their source, checked against their content hash, in the
/// sandbox (<see cref="ProgramCompiler"/>), once per silo, and applies them to its items with the same applier as a
/// single-process run. Each cell of the matrix depends only on its item and program, so the gathered matrix, and the
/// labels of the run, are those of a single-process run (see the package README for the one exception, quarantine).
/// </para>
/// <para>
/// A shard whose call fails (its silo was lost, a connection dropped) is issued again as a new grain after
/// <see cref="OrleansLabelingOptions.RetryDelay"/>, up to <see cref="OrleansLabelingOptions.MaxAttempts"/> times; its
/// votes are the same wherever it runs. A shard the sandbox or the hash check refuses fails the run at once.
/// </para>
/// <para>
/// A streamed job's items (<see cref="ApplyStreamingAsync"/>) are sharded as they are read, with at most
/// <see cref="OrleansLabelingOptions.MaxShardsInFlight"/> shards out at once; what the coordinator holds for them is
/// those shards' items and votes, not the job's items.
/// </para>
/// <para>Only <see cref="string"/> items are supported. The backend is thread-safe; several runs may share it.</para>
/// </remarks>
public sealed partial class OrleansLabelingBackend : IStreamingLabelingBackend
{
    private readonly IGrainFactory _grains;
    private readonly OrleansLabelingOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, int> _shardsBySilo = new(StringComparer.Ordinal);
    private long _shardsLabeled;
    private long _shardsReissued;

    /// <summary>Initializes a new instance of the <see cref="OrleansLabelingBackend"/> class.</summary>
    /// <param name="grainFactory">The cluster's grain factory: an <see cref="IClusterClient"/>, or a grain factory inside a silo.</param>
    /// <param name="options">How items are sharded and lost shards re-issued; the defaults when <see langword="null"/>.</param>
    /// <param name="logger">Receives a warning for every re-issued shard, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="grainFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public OrleansLabelingBackend(IGrainFactory grainFactory, OrleansLabelingOptions? options = null, ILogger<OrleansLabelingBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        _options = options ?? new OrleansLabelingOptions();
        _options.Validate();
        _grains = grainFactory;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the number of shards labeled so far by this backend, over all its runs.</summary>
    public long ShardsLabeled => Interlocked.Read(ref _shardsLabeled);

    /// <summary>Gets the number of shard attempts that failed and were issued again, over all runs.</summary>
    public long ShardsReissued => Interlocked.Read(ref _shardsReissued);

    /// <summary>Gets how many shards each silo labeled, over all runs.</summary>
    internal IReadOnlyDictionary<string, int> ShardsBySilo => _shardsBySilo;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="programs"/> or <paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TItem"/> is not <see cref="string"/>.</exception>
    /// <exception cref="InvalidOperationException">A shard failed on every attempt, or a silo refused a program.</exception>
    public async Task<LabelingResult> ApplyAsync<TItem>(
        IReadOnlyList<LabelingProgram> programs,
        IReadOnlyList<TItem> items,
        int classCount,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        ArgumentNullException.ThrowIfNull(items);
        if (items is not IReadOnlyList<string> texts)
        {
            throw new NotSupportedException($"The Orleans backend labels string items; these are {typeof(TItem).Name}.");
        }

        long started = Stopwatch.GetTimestamp();
        int n = texts.Count;
        int m = programs.Count;
        string[] names = [.. programs.Select(p => p.Name)];
        var votes = new sbyte[(long)n * m];
        var shardFaults = new List<(long FirstItem, IReadOnlyList<LabelingFunctionFaults> Faults)>();
        long labeled = 0;
        if (m > 0)
        {
            // The list is sharded as a stream is; the shards are gathered into a matrix of their own.
            await foreach (LabeledShard shard in LabelShardsAsync(programs, texts.ToAsyncEnumerable(), classCount, cancellationToken).ConfigureAwait(false))
            {
                shard.Votes.AsSpan().CopyTo(votes.AsSpan((int)(shard.FirstItem * m)));
                shardFaults.Add((shard.FirstItem, shard.Faults));
                labeled += shard.Votes.ItemCount;
                progress?.Report(new LabelingProgress(labeled, n));
            }
        }

        shardFaults.Sort((a, b) => a.FirstItem.CompareTo(b.FirstItem));
        var matrix = new LabelMatrix(n, m, classCount, votes, names);
        return new LabelingResult(matrix, [.. Enumerable.Range(0, m).Select(j => MergeFaults(names[j], shardFaults, j))], Stopwatch.GetElapsedTime(started));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Items are read into shards of <see cref="OrleansLabelingOptions.ShardSize"/>; each is issued as soon as it is full
    /// (the last as the items end), with at most <see cref="OrleansLabelingOptions.MaxShardsInFlight"/> out at once:
    /// reading waits for a shard to come back and be taken from the enumeration. A shard's items are held until its
    /// votes are back, so a lost shard is issued again (<see cref="OrleansLabelingOptions.MaxAttempts"/>). Shards are
    /// yielded as they complete, not in item order.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="programs"/> or <paramref name="items"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TItem"/> is not <see cref="string"/>.</exception>
    /// <exception cref="InvalidOperationException">A shard failed on every attempt, or a silo refused a program (thrown by the enumeration).</exception>
    public IAsyncEnumerable<LabeledShard> ApplyStreamingAsync<TItem>(
        IReadOnlyList<LabelingProgram> programs,
        IAsyncEnumerable<TItem> items,
        int classCount,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        ArgumentNullException.ThrowIfNull(items);
        return items is IAsyncEnumerable<string> texts
            ? LabelShardsAsync(programs, texts, classCount, cancellationToken)
            : throw new NotSupportedException($"The Orleans backend labels string items; these are {typeof(TItem).Name}.");
    }

    /// <summary>Reads items into shards, issues each to a shard grain with a bounded number in flight, and yields their votes as they come back.</summary>
    private async IAsyncEnumerable<LabeledShard> LabelShardsAsync(
        IReadOnlyList<LabelingProgram> programs, IAsyncEnumerable<string> items, int classCount, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string[] names = [.. programs.Select(p => p.Name)];
        ShardProgram[] shardPrograms = [.. programs.Select(p => new ShardProgram(p.Name, p.Source, p.ContentHash))];
        string run = Guid.NewGuid().ToString("N");
        int size = _options.ShardSize;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task<LabeledShard>>(_options.MaxShardsInFlight);
        try
        {
            var buffer = new string[size];
            int filled = 0;
            int shard = 0;
            long first = 0;
            await foreach (string item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                buffer[filled++] = item;
                if (filled < size)
                {
                    continue;
                }

                while (inFlight.Count >= _options.MaxShardsInFlight)
                {
                    yield return await NextAsync(inFlight).ConfigureAwait(false);
                }

                inFlight.Add(LabelShardAsync(run, shard++, first, buffer, shardPrograms, names, classCount, stop.Token));
                first += filled;
                buffer = new string[size];
                filled = 0;
            }

            if (filled > 0)
            {
                while (inFlight.Count >= _options.MaxShardsInFlight)
                {
                    yield return await NextAsync(inFlight).ConfigureAwait(false);
                }

                inFlight.Add(LabelShardAsync(run, shard, first, buffer[..filled], shardPrograms, names, classCount, stop.Token));
            }

            while (inFlight.Count > 0)
            {
                yield return await NextAsync(inFlight).ConfigureAwait(false);
            }
        }
        finally
        {
            // A failed shard, a canceled run or an enumeration left early: stop the shards still out, and let none outlive it.
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (Task<LabeledShard> pending in inFlight)
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is InvalidOperationException || ex is OrleansException || ex is TimeoutException)
                {
                    // Its failure, if any, is not the run's: the enumeration already ended.
                }
            }
        }

        static async Task<LabeledShard> NextAsync(List<Task<LabeledShard>> inFlight)
        {
            Task<LabeledShard> done = await Task.WhenAny(inFlight).ConfigureAwait(false);
            inFlight.Remove(done);
            return await done.ConfigureAwait(false);
        }
    }

    /// <summary>Labels one shard on a grain, with retries, and checks the votes' shape.</summary>
    private async Task<LabeledShard> LabelShardAsync(
        string run, int shard, long first, string[] items, ShardProgram[] programs, string[] names, int classCount, CancellationToken cancellationToken)
    {
        int m = programs.Length;
        if (m == 0)
        {
            // No program: nothing to send; the shard's rows have no column.
            return new LabeledShard(first, new LabelMatrix(items.Length, 0, classCount, []), []);
        }

        var work = new ShardWork(programs, items, classCount, _options.QuarantineFaultRate, first);
        ShardVotes result = await LabelWithRetriesAsync(run, shard, work, cancellationToken).ConfigureAwait(false);
        if (result.Votes.Length != (long)items.Length * m || result.Faults.Length != m)
        {
            throw new InvalidOperationException($"Shard {shard} came back from {result.Silo} with {result.Votes.Length} votes and {result.Faults.Length} fault entries for {items.Length} items x {m} programs.");
        }

        Interlocked.Increment(ref _shardsLabeled);
        _shardsBySilo.AddOrUpdate(result.Silo, 1, (_, c) => c + 1);
        ShardFaults[] f = result.Faults;
        return new LabeledShard(
            first,
            new LabelMatrix(items.Length, m, classCount, result.Votes, names),
            [.. Enumerable.Range(0, m).Select(j => new LabelingFunctionFaults(names[j], f[j].ItemsSeen, f[j].Exceptions, f[j].InvalidVotes, f[j].Quarantined, f[j].FirstError))]);
    }

    private async Task<ShardVotes> LabelWithRetriesAsync(string run, int shard, ShardWork work, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            IProgramShardGrain grain = _grains.GetGrain<IProgramShardGrain>($"{run}/{shard}/{attempt}");
            try
            {
                return await grain.ApplyAsync(work).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException && attempt < _options.MaxAttempts)
            {
                // The shard is a deterministic function of its items and programs: run it again, as a new grain, wherever the cluster places it.
                Interlocked.Increment(ref _shardsReissued);
                LogReissued(shard, attempt, ex.GetType().Name, ex.Message);
                await Task.Delay(_options.RetryDelay * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not InvalidOperationException)
            {
                throw new InvalidOperationException($"Shard {shard} failed on each of its {attempt} attempts; the last error: {ex.GetType().Name}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Sums a program's faults over the shards, in item order; the first error is the first shard's that has one, so that of the lowest item index, as in a single-process run.</summary>
    private static LabelingFunctionFaults MergeFaults(string name, List<(long FirstItem, IReadOnlyList<LabelingFunctionFaults> Faults)> shards, int program)
    {
        long seen = 0, exceptions = 0, invalid = 0;
        bool quarantined = false;
        string? firstError = null;
        foreach ((_, IReadOnlyList<LabelingFunctionFaults> shard) in shards)
        {
            LabelingFunctionFaults f = shard[program];
            seen += f.ItemsSeen;
            exceptions += f.Exceptions;
            invalid += f.InvalidVotes;
            quarantined |= f.Quarantined;
            firstError ??= f.FirstError;
        }

        return new LabelingFunctionFaults(name, seen, exceptions, invalid, quarantined, firstError);
    }

    [LoggerMessage(LogLevel.Warning, "Shard {Shard} failed on attempt {Attempt} ({ErrorType}: {Error}); issuing it again.")]
    private partial void LogReissued(int shard, int attempt, string errorType, string error);
}
