namespace Alchemist;

/// <summary>A labeling program compiled and run in sandbox worker processes; the host's handle to it.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// <see cref="LabelingFunctionApplier"/> labels whole chunks through its <see cref="Batcher"/>. <see cref="Apply"/>
/// labels one item with a round trip to a worker, for callers that need a single vote.
/// </remarks>
internal sealed class WorkerLabelingFunction<TItem> : IBatchLabelingFunction<TItem>
{
    private readonly WorkerPool<TItem> _pool;
    private readonly string? _name;
    private long _budgetOverruns;
    private long _regexTimeoutRetries;

    internal WorkerLabelingFunction(WorkerPool<TItem> pool, WorkerProgramImage image, string? name = null)
    {
        _pool = pool;
        Image = image;
        _name = name;
    }

    /// <summary>Gets the name of the function: the name of its program, or of another program with the same source.</summary>
    public string Name => _name ?? Image.Program.Name;

    /// <summary>Gets the program.</summary>
    public LabelingProgram Program => Image.Program;

    /// <inheritdoc />
    public IProgramBatcher<TItem> Batcher => _pool;

    /// <summary>Gets the calls that threw <see cref="ProgramBudgetExceededException"/> so far.</summary>
    public long BudgetOverruns => Interlocked.Read(ref _budgetOverruns);

    /// <summary>Gets the calls run again because a regular expression timed out, so far.</summary>
    public long RegexTimeoutRetries => Interlocked.Read(ref _regexTimeoutRetries);

    /// <summary>Gets the compiled program.</summary>
    internal WorkerProgramImage Image { get; }

    /// <summary>Gets the same compiled program under another name: that of another program with the same source, which a run compiled once.</summary>
    internal WorkerLabelingFunction<TItem> WithName(string name) => new(_pool, Image, name);

    /// <summary>Labels one item in a worker.</summary>
    /// <exception cref="ProgramBudgetExceededException">The call passed its budget.</exception>
    /// <exception cref="WorkerProgramException">The call threw anything else, or the program is quarantined.</exception>
    public int Apply(TItem item)
    {
        BatchVotes votes = _pool.LabelBatch([item], 0, 1, 0, [this], 1, CancellationToken.None)[0];
        if (votes.QuarantineReason is { } reason)
        {
            throw new WorkerProgramException("Quarantined", reason);
        }

        if (votes.Faults is [FaultDetail fault, ..])
        {
            throw fault.BudgetKind >= 0
                ? new ProgramBudgetExceededException((ProgramBudgetKind)fault.BudgetKind, fault.BudgetLimit, fault.Message)
                : new WorkerProgramException(fault.TypeName, fault.Message);
        }

        return votes.Votes[0];
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Adds what a batch counted.</summary>
    internal void Count(long overruns, long retries)
    {
        Interlocked.Add(ref _budgetOverruns, overruns);
        Interlocked.Add(ref _regexTimeoutRetries, retries);
    }
}

/// <summary>The exception that stands for an exception a program threw in a worker process.</summary>
/// <param name="programExceptionType">The name of the type of the exception the program threw.</param>
/// <param name="message">Its message, shortened.</param>
internal sealed class WorkerProgramException(string programExceptionType, string message) : Exception(message)
{
    /// <summary>Gets the name of the type of the exception the program threw in the worker.</summary>
    public string ProgramExceptionType { get; } = programExceptionType;
}

/// <summary>A compiled program as the host keeps it: its image, loaded into workers on demand, and its quarantine.</summary>
internal sealed class WorkerProgramImage(int slot, LabelingProgram program, byte[] image, string entryTypeName, IReadOnlyList<string>? conceptPhrases = null)
{
    private string? _quarantineReason;

    /// <summary>Gets the slot number that names the program in requests.</summary>
    public int Slot { get; } = slot;

    public LabelingProgram Program { get; } = program;

    public byte[] Image { get; } = image;

    public string EntryTypeName { get; } = entryTypeName;

    /// <summary>Gets the phrases a concept program looks up; <see langword="null"/> when the program does not take concept scores.</summary>
    public IReadOnlyList<string>? ConceptPhrases { get; } = conceptPhrases;

    /// <summary>Gets the lock held while the program is confirmed as the culprit of a worker's death.</summary>
    public Lock ConfirmLock { get; } = new();

    /// <summary>Gets why the program was quarantined, or <see langword="null"/>.</summary>
    public string? QuarantineReason => Volatile.Read(ref _quarantineReason);

    /// <summary>Quarantines the program; the first reason stays.</summary>
    /// <returns><see langword="true"/> when this call quarantined it.</returns>
    public bool Quarantine(string reason) => Interlocked.CompareExchange(ref _quarantineReason, reason, null) is null;
}

/// <summary>The outcome of <see cref="WorkerProgramHost.Compile"/>: a function backed by the workers, or the reasons the program was rejected.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed class WorkerCompilation<TItem> : IDisposable
{
    private readonly WorkerPool<TItem>? _pool;
    private int _disposed;

    internal WorkerCompilation(LabelingProgram program, WorkerLabelingFunction<TItem>? function, IReadOnlyList<SandboxDiagnostic> diagnostics, TimeSpan elapsed, WorkerPool<TItem>? pool)
    {
        Program = program;
        Function = function;
        Diagnostics = diagnostics;
        Elapsed = elapsed;
        _pool = pool;
    }

    public LabelingProgram Program { get; }

    /// <summary>Gets the function, or <see langword="null"/> when the program was rejected.</summary>
    public WorkerLabelingFunction<TItem>? Function { get; }

    /// <summary>Gets why the program was rejected: the sandbox's diagnostics, or what happened to the compiler's worker.</summary>
    public IReadOnlyList<SandboxDiagnostic> Diagnostics { get; }

    /// <summary>Gets how long compiling took in the worker.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Unloads the program from the workers.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && Function is not null)
        {
            _pool?.Release(Function.Image);
        }
    }
}
