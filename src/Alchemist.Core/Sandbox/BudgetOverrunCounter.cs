namespace Alchemist;

/// <summary>Counts the step-budget overruns of a sandboxed function while one stage uses it; an overrun still faults, so the applier counts an abstain.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>A run shares one compiled function among its stages, so the function's own count covers them all; this one covers the stage it wraps.</remarks>
internal sealed class BudgetOverrunCounter<TItem>(ILabelingFunction<TItem> inner) : ILabelingFunction<TItem>
{
    private long _overruns;

    public string Name => inner.Name;

    /// <summary>Gets the overruns counted so far.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    public int Apply(TItem item)
    {
        try
        {
            return inner.Apply(item);
        }
        catch (ProgramBudgetExceededException)
        {
            Interlocked.Increment(ref _overruns);
            throw;
        }
    }
}
