using System.Text.RegularExpressions;

namespace Alchemist;

/// <summary>Represents a labeling program compiled by <see cref="ProgramCompiler"/>: a labeling function that runs the program under its budget.</summary>
/// <typeparam name="TItem">The type of item the program labels.</typeparam>
/// <remarks>
/// <para>
/// Each call of <see cref="Apply"/> has its own step, call-depth and memory budget, kept per thread, so the function
/// can be called concurrently from several threads, as <see cref="LabelingFunctionApplier"/> does. A call that passes
/// its budget throws <see cref="ProgramBudgetExceededException"/>; any other exception of the program propagates as
/// is. The applier turns both into abstains and counts them as faults. A call whose regular expression timed out is
/// run again, up to <see cref="SandboxOptions.RegexTimeoutRetries"/> times, before its
/// <see cref="RegexMatchTimeoutException"/> propagates: the timeout is measured on the
/// clock, and a busy machine must not change a program's votes.
/// </para>
/// <para>
/// The function is valid until the <see cref="ProgramCompilation{TItem}"/> that produced it is disposed; after that,
/// <see cref="Apply"/> throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class SandboxedLabelingFunction<TItem> : ILabelingFunction<TItem>
{
    private readonly SandboxOptions _options;
    private Func<TItem, int>? _entry;
    private long _budgetOverruns;
    private long _regexTimeoutRetries;

    internal SandboxedLabelingFunction(LabelingProgram program, Func<TItem, int> entry, SandboxOptions options)
    {
        Program = program;
        _entry = entry;
        _options = options;
    }

    /// <summary>Gets the name of the function, which is the name of its program.</summary>
    public string Name => Program.Name;

    /// <summary>Gets the program the function was compiled from.</summary>
    public LabelingProgram Program { get; }

    /// <summary>Gets the number of calls that passed their budget so far.</summary>
    /// <remarks>Thread-safe; a call that overruns is counted once, whatever the budget it passed.</remarks>
    public long BudgetOverruns => Interlocked.Read(ref _budgetOverruns);

    /// <summary>Gets the number of times a call was run again because a regular expression timed out.</summary>
    /// <remarks>
    /// Thread-safe. A timeout that went away on a retry was the machine's, not the pattern's; one that outlasted every
    /// retry propagated as <see cref="RegexMatchTimeoutException"/>.
    /// </remarks>
    public long RegexTimeoutRetries => Interlocked.Read(ref _regexTimeoutRetries);

    /// <summary>Runs the program on one item under a fresh budget.</summary>
    /// <param name="item">The item to label.</param>
    /// <returns>What the program's <c>Label</c> method returned.</returns>
    /// <exception cref="ProgramBudgetExceededException">The call passed its step, call-depth or memory budget.</exception>
    /// <exception cref="RegexMatchTimeoutException">A regular expression timed out on the first attempt and on each of <see cref="SandboxOptions.RegexTimeoutRetries"/> retries.</exception>
    /// <exception cref="ObjectDisposedException">The compilation that produced this function was disposed.</exception>
    /// <remarks>Any other exception the program throws propagates unchanged.</remarks>
    public int Apply(TItem item)
    {
        for (int retries = 0; ; retries++)
        {
            try
            {
                return ApplyOnce(item);
            }
            catch (RegexMatchTimeoutException) when (retries < _options.RegexTimeoutRetries)
            {
                Interlocked.Increment(ref _regexTimeoutRetries);
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Drops the delegate into the program's code, so that its load context can be collected.</summary>
    internal void Detach() => Volatile.Write(ref _entry, null);

    private int ApplyOnce(TItem item)
    {
        Func<TItem, int> entry = Volatile.Read(ref _entry) ??
            throw new ObjectDisposedException(Name, $"The labeling program '{Name}' was unloaded when its compilation was disposed; compile it again to apply it.");
        SandboxRuntime.BudgetFrame saved = SandboxRuntime.Begin(_options);
        try
        {
            return entry(item);
        }
        catch (ProgramBudgetExceededException)
        {
            Interlocked.Increment(ref _budgetOverruns);
            throw;
        }
        catch (TypeInitializationException ex) when (ex.InnerException is ProgramBudgetExceededException)
        {
            Interlocked.Increment(ref _budgetOverruns);
            throw;
        }
        finally
        {
            SandboxRuntime.End(saved);
        }
    }
}
