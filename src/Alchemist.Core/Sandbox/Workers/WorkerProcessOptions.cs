namespace Alchemist;

/// <summary>Represents the limits of the worker processes that run labeling programs out of process (<see cref="ProgramIsolation.WorkerProcesses"/>).</summary>
/// <remarks>
/// See docs/sandbox.md ("Worker processes" and "Threat model") for what each limit stops and how a program that kills
/// or exhausts its worker is identified and quarantined.
/// </remarks>
public sealed class WorkerProcessOptions
{
    /// <summary>The default of <see cref="MemoryLimitBytes"/>: 1 GiB.</summary>
    internal const long DefaultMemoryLimitBytes = 1024L * 1024 * 1024;

    /// <summary>The default of <see cref="CallTimeout"/>: 10 seconds.</summary>
    internal static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the number of worker processes that label items in parallel; <see langword="null"/> means one per core.</summary>
    /// <value>The default is <see langword="null"/>. A further worker compiles the programs.</value>
    public int? WorkerCount { get; set; }

    /// <summary>Gets or sets the hard limit of each worker's GC heap, in bytes.</summary>
    /// <value>The default is 1 GiB.</value>
    /// <remarks>
    /// A program that allocates past it gets an <see cref="OutOfMemoryException"/> in its worker; the worker reports it
    /// and ends, and the program is quarantined. On 64-bit Linux the worker also limits its private writable memory
    /// (<c>RLIMIT_DATA</c>) to this value plus 1 GiB, which bounds native memory as well; on Windows and macOS the GC
    /// heap's limit is the only one.
    /// </remarks>
    public long MemoryLimitBytes { get; set; } = DefaultMemoryLimitBytes;

    /// <summary>Gets or sets the longest one call of a program (one item) may run before its worker is stopped and the program quarantined.</summary>
    /// <value>The default is 10 seconds, far above what the step budget allows a call on any machine.</value>
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;

    /// <summary>Creates a copy.</summary>
    internal WorkerProcessOptions Clone() => new() { WorkerCount = WorkerCount, MemoryLimitBytes = MemoryLimitBytes, CallTimeout = CallTimeout };

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal void Validate()
    {
        if (WorkerCount is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(WorkerCount), WorkerCount, "WorkerProcessOptions.WorkerCount must be between 1 and 256, or null for one per core.");
        }

        if (MemoryLimitBytes < 128L * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MemoryLimitBytes), MemoryLimitBytes, "WorkerProcessOptions.MemoryLimitBytes must be at least 128 MiB: a worker runs the .NET runtime and, for compiling, Roslyn.");
        }

        if (CallTimeout <= TimeSpan.Zero || CallTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "WorkerProcessOptions.CallTimeout must be positive and at most one hour.");
        }
    }
}
