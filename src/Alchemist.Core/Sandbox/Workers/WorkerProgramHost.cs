using System.Collections.Concurrent;

namespace Alchemist;

/// <summary>Compiles and runs untrusted labeling programs in sandbox worker processes; owned by one run, reused across its stages, disposed at its end.</summary>
/// <remarks>
/// <para>
/// For each item type the host keeps a pool (<see cref="WorkerPool{TItem}"/>): one worker that compiles programs to
/// images (so a compiler crash, hang or memory blow-up takes only that worker), and
/// <see cref="WorkerHostOptions.WorkerCount"/> workers that load the images and label items, each a slice of every
/// batch with every program. Workers start when first needed (or ahead of it, <see cref="StartWarmUp{TItem}"/>) and are
/// restarted when they die.
/// </para>
/// <para>
/// A program that kills or exhausts its worker (a stack overflow, the heap limit, a call past the call timeout, a
/// crash) is identified as the program the worker was running, confirmed by running it alone on the same items in a
/// fresh worker, and quarantined with the reason: it abstains from then on, and the other programs' votes are exactly
/// what they would be without it. <see cref="Quarantined"/> lists them. The host never loads program code itself.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class WorkerProgramHost : IDisposable
{
    private readonly Lazy<WorkerLauncher> _launcher;
    private readonly ConcurrentDictionary<Type, IWorkerPool> _pools = new();
    private readonly Lock _quarantineLock = new();
    private readonly List<WorkerQuarantine> _quarantined = [];
    private readonly CancellationTokenSource _warmUpCancellation = new();
    private Task? _warmUp;
    private int _nextSlot;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="WorkerProgramHost"/> class; no process starts until a program is compiled.</summary>
    public WorkerProgramHost(WorkerHostOptions options)
    {
        Options = options;
        _launcher = new Lazy<WorkerLauncher>(() => WorkerLauncher.Create(options.MemoryLimitBytes), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the options.</summary>
    public WorkerHostOptions Options { get; }

    /// <summary>Gets the programs quarantined so far, with the reasons, in the order they were quarantined.</summary>
    public IReadOnlyList<WorkerQuarantine> Quarantined
    {
        get
        {
            lock (_quarantineLock)
            {
                return [.. _quarantined];
            }
        }
    }

    /// <summary>Gets the launcher, creating it (and checking that workers can start here) on first use.</summary>
    /// <exception cref="NotSupportedException">Workers cannot be started from this process.</exception>
    internal WorkerLauncher Launcher => _launcher.Value;

    /// <summary>Checks, before anything is compiled, that items of type <typeparamref name="TItem"/> can be carried to workers and that workers can start here.</summary>
    /// <exception cref="NotSupportedException">They cannot; the message says why.</exception>
    /// <exception cref="IOException">The workers' folder cannot be made in the temporary folder; the message names it.</exception>
    public void CheckItemType<TItem>()
    {
        _ = Pool<TItem>();
        _ = Launcher;
    }

    /// <summary>
    /// Starts the workers for items of type <typeparamref name="TItem"/> in the background (the compiler worker with
    /// its compiler loaded, and the labeling workers), so that they are ready when the run first needs them; see
    /// <see cref="WorkerPool{TItem}.WarmUp"/>. Once per host; <see cref="Dispose"/> stops it.
    /// </summary>
    public void StartWarmUp<TItem>()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        WorkerPool<TItem> pool = Pool<TItem>();
        CancellationToken cancellationToken = _warmUpCancellation.Token;
        _ = Interlocked.CompareExchange(ref _warmUp, Task.Run(() => pool.WarmUp(cancellationToken), CancellationToken.None), null);
    }

    /// <summary>Gets the warm-up <see cref="StartWarmUp{TItem}"/> started, or <see langword="null"/> (for tests; it never faults).</summary>
    internal Task? WarmUp => Volatile.Read(ref _warmUp);

    /// <summary>Compiles a program in the compiler worker.</summary>
    /// <returns>The compilation: a function backed by the workers, or the reasons the program was rejected. Dispose it to unload the program.</returns>
    /// <exception cref="NotSupportedException">Items of this type cannot be carried to workers, or workers cannot start here.</exception>
    /// <exception cref="InvalidOperationException">A worker process could not be started.</exception>
    public WorkerCompilation<TItem> Compile<TItem>(LabelingProgram program, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(program);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Pool<TItem>().Compile(program, cancellationToken);
    }

    /// <summary>Gives the workers the run's concept scores: each apply request then carries the rows of its items to the concept programs.</summary>
    public void BindConcepts<TItem>(ConceptScores<TItem> scores) => Pool<TItem>().Concepts = scores;

    /// <summary>Stops every worker and deletes the runtimeconfig.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The warm-up ends before the pools stop, so that it starts no worker after them.
        _warmUpCancellation.Cancel();
        Volatile.Read(ref _warmUp)?.Wait(CancellationToken.None);
        _warmUpCancellation.Dispose();
        foreach (IWorkerPool pool in _pools.Values)
        {
            pool.Dispose();
        }

        if (_launcher.IsValueCreated)
        {
            _launcher.Value.Dispose();
        }
    }

    /// <summary>Gets the processor time the running workers have used so far (for the benchmarks).</summary>
    internal TimeSpan WorkerProcessorTime
    {
        get
        {
            TimeSpan total = TimeSpan.Zero;
            foreach (IWorkerPool pool in _pools.Values)
            {
                total += pool.ProcessorTime;
            }

            return total;
        }
    }

    /// <summary>Gives a program its slot number, unique in this host.</summary>
    internal int NextSlot() => Interlocked.Increment(ref _nextSlot);

    /// <summary>Records a quarantine.</summary>
    internal void AddQuarantine(WorkerQuarantine quarantine)
    {
        lock (_quarantineLock)
        {
            _quarantined.Add(quarantine);
        }
    }

    private WorkerPool<TItem> Pool<TItem>() =>
        (WorkerPool<TItem>)_pools.GetOrAdd(typeof(TItem), static (_, host) => new WorkerPool<TItem>(host), this);
}

/// <summary>What the host needs of a pool whatever its item type.</summary>
internal interface IWorkerPool : IDisposable
{
    /// <summary>Gets the processor time the pool's running workers have used so far.</summary>
    TimeSpan ProcessorTime { get; }
}

/// <summary>A program the workers quarantined: it killed or exhausted its worker, alone, on the same items.</summary>
/// <param name="ProgramName">The program's name.</param>
/// <param name="ContentHash">The program's content hash.</param>
/// <param name="Reason">What it did, in a sentence.</param>
internal sealed record WorkerQuarantine(string ProgramName, string ContentHash, string Reason);
