namespace Alchemist;

/// <summary>The settings of a <see cref="WorkerProgramHost"/>: the sandbox options programs compile and run with, and the workers' limits.</summary>
internal sealed record WorkerHostOptions
{
    /// <summary>Private writable memory a worker may have beyond its GC heap (Linux): thread stacks (the compiler's is 256 MiB), the runtime's and Roslyn's native data.</summary>
    public const long DataHeadroomBytes = 1024L * 1024 * 1024;

    /// <summary>Gets the sandbox options, validated.</summary>
    public required SandboxOptions Sandbox { get; init; }

    /// <summary>Gets the number of worker processes that label items in parallel.</summary>
    public int WorkerCount { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Gets the GC heap's hard limit of each worker, in bytes.</summary>
    public long MemoryLimitBytes { get; init; } = WorkerProcessOptions.DefaultMemoryLimitBytes;

    /// <summary>Gets the longest one call of a program may run before its worker is stopped.</summary>
    public TimeSpan CallTimeout { get; init; } = WorkerProcessOptions.DefaultCallTimeout;

    /// <summary>Gets a value indicating whether workers compile programs with no sandbox check and no budget rewrite.</summary>
    /// <remarks>
    /// Tests only: it lets a test give a worker a program that the first wall would refuse or contain (a stack
    /// overflow, unbounded allocation, a hang), to test the second wall on its own. No public API or option sets it.
    /// </remarks>
    public bool UncheckedProgramsForTests { get; init; }

    /// <summary>Gets the limit on a worker's private writable memory (Linux): the heap limit plus <see cref="DataHeadroomBytes"/>.</summary>
    public long DataLimitBytes => MemoryLimitBytes + DataHeadroomBytes;

    /// <summary>Gets how long a worker may send nothing (not even a heartbeat) before it is stopped.</summary>
    public TimeSpan SilenceTimeout => CallTimeout + TimeSpan.FromSeconds(20);

    /// <summary>Gets how long a compilation may take in the worker before it is stopped: the sandbox's compile timeout, which the compiler honours where it can, and a margin; charged in the worker's processor time (<see cref="WorkLimit"/>).</summary>
    public TimeSpan CompileDeadline => Sandbox.CompileTimeout + TimeSpan.FromSeconds(30);

    /// <summary>Gets how long a worker may take to start and answer its init, or to load a program; charged in the worker's processor time (<see cref="WorkLimit"/>).</summary>
    public TimeSpan StartDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Creates the options from the public ones.</summary>
    public static WorkerHostOptions From(SandboxOptions sandbox, WorkerProcessOptions? workers)
    {
        workers = OptionsValidation.ThrowIfInvalid(new WorkerProcessOptionsValidator(), workers ?? new WorkerProcessOptions(), nameof(workers));
        return new WorkerHostOptions
        {
            Sandbox = OptionsValidation.ThrowIfInvalid(new SandboxOptionsValidator(), sandbox.Snapshot(), nameof(sandbox)),
            WorkerCount = workers.WorkerCount ?? Math.Max(1, Environment.ProcessorCount),
            MemoryLimitBytes = workers.MemoryLimitBytes,
            CallTimeout = workers.CallTimeout,
        };
    }
}
