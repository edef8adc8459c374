using System.ComponentModel.DataAnnotations;

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
    /// <value>The default is <see langword="null"/>. Allowed: 1 to 256. A further worker compiles the programs.</value>
    [Range(1, 256)]
    public int? WorkerCount { get; set; }

    /// <summary>Gets or sets the hard limit of each worker's GC heap, in bytes.</summary>
    /// <value>The default is 1 GiB. Allowed: at least 128 MiB (a worker runs the .NET runtime and, for compiling, Roslyn).</value>
    /// <remarks>
    /// A program that allocates past it gets an <see cref="OutOfMemoryException"/> in its worker; the worker reports it
    /// and ends, and the program is quarantined. On 64-bit Linux the worker also limits its private writable memory
    /// (<c>RLIMIT_DATA</c>) to this value plus 1 GiB, which bounds native memory as well; on Windows and macOS the GC
    /// heap's limit is the only one.
    /// </remarks>
    [Range(128L * 1024 * 1024, long.MaxValue)]
    public long MemoryLimitBytes { get; set; } = DefaultMemoryLimitBytes;

    /// <summary>Gets or sets the longest one call of a program (one item) may run before its worker is stopped and the program quarantined.</summary>
    /// <value>The default is 10 seconds, far above what the step budget allows a call on any machine. Allowed: above zero, up to one hour.</value>
    /// <remarks>
    /// The limit bounds the call's work, so it is charged in processor time: a call is stopped once both the clock and
    /// its worker's processor time have passed the limit since it started, or the clock alone ten times it. A call that
    /// only waited for a processor on a busy machine is not stopped for it; one that loops burns processor time and is.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "01:00:00")]
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;

    /// <summary>Copies the options, so a run keeps the values it started with.</summary>
    internal WorkerProcessOptions Snapshot() => (WorkerProcessOptions)MemberwiseClone();
}

/// <summary>Validates <see cref="WorkerProcessOptions"/>: generated at compile time from the data annotations.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class WorkerProcessOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WorkerProcessOptions>;
