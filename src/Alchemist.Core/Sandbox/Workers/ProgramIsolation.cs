namespace Alchemist;

/// <summary>Specifies where programs compiled from source (synthesized or reloaded from a library) are compiled and run.</summary>
public enum ProgramIsolation
{
    /// <summary>
    /// In worker processes (the default): compilation and every call happen in separate processes with a memory limit
    /// and a watchdog; a program that crashes, exhausts or hangs its worker is quarantined with the reason and the run
    /// goes on. Votes and faults are the same as <see cref="InProcess"/> gives for every program both can run.
    /// </summary>
    WorkerProcesses,

    /// <summary>
    /// In this process, under the sandbox's checks and budgets only: faster to start, for programs you trust (such as
    /// your own), or where processes cannot be started. A program that gets past the checks can end or exhaust this
    /// process (see docs/sandbox.md, "Threat model").
    /// </summary>
    InProcess,
}
