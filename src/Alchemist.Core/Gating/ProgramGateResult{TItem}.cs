namespace Alchemist;

/// <summary>Represents the outcome of a <see cref="ProgramGate"/>: the programs kept, with their compiled functions, and the programs dropped, each with its reason.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// Both lists are in the order the gate decided in: by program name (ordinal), then content hash. Dispose the result
/// to unload every kept program's code when the functions are no longer needed.
/// </remarks>
public sealed class ProgramGateResult<TItem> : IDisposable
{
    internal ProgramGateResult(IReadOnlyList<KeptProgram<TItem>> kept, IReadOnlyList<DroppedProgram> dropped)
    {
        Kept = kept;
        Dropped = dropped;
    }

    /// <summary>Gets the programs kept, in decision order.</summary>
    public IReadOnlyList<KeptProgram<TItem>> Kept { get; }

    /// <summary>Gets the programs dropped, in decision order.</summary>
    public IReadOnlyList<DroppedProgram> Dropped { get; }

    /// <summary>Gets the compiled functions of the kept programs, in decision order, ready for a <see cref="LabelingFunctionApplier"/>.</summary>
    public IReadOnlyList<ILabelingFunction<TItem>> Functions => [.. Kept.Select(k => k.Function)];

    /// <summary>Unloads the code of every kept program.</summary>
    public void Dispose()
    {
        foreach (KeptProgram<TItem> kept in Kept)
        {
            kept.Dispose();
        }
    }
}
