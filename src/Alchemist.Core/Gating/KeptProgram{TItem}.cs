namespace Alchemist;

/// <summary>Represents a program the <see cref="ProgramGate"/> kept: the program, its compiled labeling function and what was measured.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// The function stays loaded until this instance (or the <see cref="ProgramGateResult{TItem}"/> holding it) is
/// disposed; disposing unloads the program's code, after which the function must not be called.
/// </remarks>
public sealed class KeptProgram<TItem> : IDisposable
{
    private IDisposable? _owner;

    internal KeptProgram(LabelingProgram program, ILabelingFunction<TItem> function, ProgramGateMetrics metrics, IDisposable? owner)
    {
        Program = program;
        Function = function;
        Metrics = metrics;
        _owner = owner;
    }

    /// <summary>Gets the program.</summary>
    public LabelingProgram Program { get; }

    /// <summary>Gets the compiled, sandboxed labeling function; its name is the program's name.</summary>
    public ILabelingFunction<TItem> Function { get; }

    /// <summary>Gets what was measured on the sample and the dev set.</summary>
    public ProgramGateMetrics Metrics { get; }

    /// <summary>Unloads the compiled program.</summary>
    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Dispose();
}
