namespace Alchemist;

/// <summary>Represents the outcome of compiling a labeling program in the sandbox: a function, or the reasons it was rejected.</summary>
/// <typeparam name="TItem">The type of item the program labels.</typeparam>
/// <remarks>
/// A compiled program lives in its own collectible load context. <see cref="Dispose"/> unloads it; the runtime frees
/// its code once no call is running in it. Dispose every compilation you keep no longer, or the code stays loaded.
/// </remarks>
public sealed class ProgramCompilation<TItem> : IDisposable
{
    private ProgramLoadContext? _context;

    internal ProgramCompilation(
        LabelingProgram program,
        SandboxedLabelingFunction<TItem>? function,
        IReadOnlyList<SandboxDiagnostic> diagnostics,
        TimeSpan elapsed,
        ProgramLoadContext? context,
        string? rewrittenSource)
    {
        Program = program;
        Function = function;
        Diagnostics = diagnostics;
        Elapsed = elapsed;
        _context = context;
        RewrittenSource = rewrittenSource;
    }

    /// <summary>Gets the program that was compiled.</summary>
    public LabelingProgram Program { get; }

    /// <summary>Gets a value indicating whether the program was accepted and loaded.</summary>
    public bool Succeeded => Function is not null;

    /// <summary>Gets the labeling function compiled from the program, or <see langword="null"/> when it was rejected.</summary>
    public SandboxedLabelingFunction<TItem>? Function { get; }

    /// <summary>Gets every compiler error and broken sandbox rule, in source order; empty when the program was accepted.</summary>
    public IReadOnlyList<SandboxDiagnostic> Diagnostics { get; }

    /// <summary>Gets how long the compilation took: parsing, checks, rewrite, emit and load.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets the source after the sandbox rewrite, for diagnosing the sandbox itself; <see langword="null"/> when the program was rejected before.</summary>
    internal string? RewrittenSource { get; }

    /// <summary>Unloads the program's code; <see cref="Function"/> can no longer be applied afterwards.</summary>
    public void Dispose()
    {
        ProgramLoadContext? context = Interlocked.Exchange(ref _context, null);
        if (context is null)
        {
            return;
        }

        Function?.Detach();
        context.Unload();
    }
}
