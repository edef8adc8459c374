using System.Collections.Concurrent;
using System.Diagnostics;
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
/// <para>Only <see cref="string"/> items are supported. The backend is thread-safe; several runs may share it.</para>
/// </remarks>
public sealed partial class OrleansLabelingBackend : ILabelingBackend
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
        int shardCount = m == 0 ? 0 : (n + _options.ShardSize - 1) / _options.ShardSize;
        var faults = new ShardFaults[shardCount][];
        ShardProgram[] shardPrograms = [.. programs.Select(p => new ShardProgram(p.Name, p.Source, p.ContentHash))];
        string run = Guid.NewGuid().ToString("N");
        long labeled = 0;
        using var inFlight = new SemaphoreSlim(_options.MaxShardsInFlight);

        async Task LabelShardAsync(int shard)
        {
            await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int first = shard * _options.ShardSize;
                int count = Math.Min(_options.ShardSize, n - first);
                var work = new ShardWork(shardPrograms, Slice(texts, first, count), classCount, _options.QuarantineFaultRate, first);
                ShardVotes result = await LabelWithRetriesAsync(run, shard, work, cancellationToken).ConfigureAwait(false);
                if (result.Votes.Length != (long)count * m || result.Faults.Length != m)
                {
                    throw new InvalidOperationException($"Shard {shard} came back from {result.Silo} with {result.Votes.Length} votes and {result.Faults.Length} fault entries for {count} items x {m} programs.");
                }

                result.Votes.CopyTo(votes.AsSpan((int)((long)first * m)));
                faults[shard] = result.Faults;
                Interlocked.Increment(ref _shardsLabeled);
                _shardsBySilo.AddOrUpdate(result.Silo, 1, (_, c) => c + 1);
                progress?.Report(new LabelingProgress(Interlocked.Add(ref labeled, count), n));
            }
            finally
            {
                inFlight.Release();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, shardCount).Select(LabelShardAsync)).ConfigureAwait(false);
        var matrix = new LabelMatrix(n, m, classCount, votes, names);
        return new LabelingResult(matrix, [.. Enumerable.Range(0, m).Select(j => MergeFaults(names[j], faults, j))], Stopwatch.GetElapsedTime(started));
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

    private static string[] Slice(IReadOnlyList<string> items, int first, int count)
    {
        var slice = new string[count];
        for (int i = 0; i < count; i++)
        {
            slice[i] = items[first + i];
        }

        return slice;
    }

    /// <summary>Sums a program's faults over the shards; the first error is the first shard's that has one, so that of the lowest item index, as in a single-process run.</summary>
    private static LabelingFunctionFaults MergeFaults(string name, ShardFaults[][] shards, int program)
    {
        long seen = 0, exceptions = 0, invalid = 0;
        bool quarantined = false;
        string? firstError = null;
        foreach (ShardFaults[] shard in shards)
        {
            ShardFaults f = shard[program];
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
