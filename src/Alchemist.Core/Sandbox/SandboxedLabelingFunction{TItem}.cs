using System.Text.RegularExpressions;

namespace Alchemist;

/// <summary>Represents a labeling program compiled by <see cref="ProgramCompiler"/>: a labeling function that runs the program under its budget.</summary>
/// <typeparam name="TItem">The type of item the program labels.</typeparam>
/// <remarks>
/// <para>
/// Each call of <see cref="Apply(TItem)"/> has its own step, call-depth and memory budget, kept per thread, so the function
/// can be called concurrently from several threads, as <see cref="LabelingFunctionApplier"/> does. A call that passes
/// its budget throws <see cref="ProgramBudgetExceededException"/>; any other exception of the program propagates as
/// is. The applier turns both into abstains and counts them as faults. A call whose regular expression timed out is
/// run again, up to <see cref="SandboxOptions.RegexTimeoutRetries"/> times, before its
/// <see cref="RegexMatchTimeoutException"/> propagates: the timeout is measured on the
/// clock, and a busy machine must not change a program's votes.
/// </para>
/// <para>
/// The function is valid until the <see cref="ProgramCompilation{TItem}"/> that produced it is disposed; after that,
/// <see cref="Apply(TItem)"/> throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class SandboxedLabelingFunction<TItem> : ILabelingFunction<TItem>
{
    private readonly SandboxOptions _options;
    private Func<TItem, int>? _entry;
    private Func<TItem, Concepts, int>? _conceptEntry;
    private ConceptScores<TItem>? _concepts;
    private long _budgetOverruns;
    private long _regexTimeoutRetries;

    internal SandboxedLabelingFunction(LabelingProgram program, Func<TItem, int> entry, SandboxOptions options)
    {
        Program = program;
        _entry = entry;
        _options = options;
        ConceptPhrases = [];
    }

    internal SandboxedLabelingFunction(LabelingProgram program, Func<TItem, Concepts, int> entry, IReadOnlyList<string> phrases, SandboxOptions options)
    {
        Program = program;
        _conceptEntry = entry;
        _options = options;
        ConceptPhrases = phrases;
        TakesConcepts = true;
    }

    /// <summary>Creates the function of a loaded program: its entry point takes the concept scores when <paramref name="phrases"/> is not <see langword="null"/>.</summary>
    /// <exception cref="InvalidOperationException">The assembly has no such entry point (a sandbox bug).</exception>
    internal static SandboxedLabelingFunction<TItem> FromAssembly(LabelingProgram program, System.Reflection.Assembly assembly, string entryTypeName, IReadOnlyList<string>? phrases, SandboxOptions options)
    {
        Type[] parameters = phrases is null ? [typeof(TItem)] : [typeof(TItem), typeof(Concepts)];
        System.Reflection.MethodInfo method = assembly.GetType(entryTypeName, throwOnError: true)!
            .GetMethod("Label", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, parameters)
            ?? throw new InvalidOperationException($"The compiled program '{program.Name}' has no Label({string.Join(", ", parameters.Select(p => p.Name))}) method; this is a sandbox bug.");
        return phrases is null
            ? new SandboxedLabelingFunction<TItem>(program, method.CreateDelegate<Func<TItem, int>>(), options)
            : new SandboxedLabelingFunction<TItem>(program, method.CreateDelegate<Func<TItem, Concepts, int>>(), phrases, options);
    }

    /// <summary>Gets a value indicating whether the program is a concept program: its entry point is <c>Label(T item, Concepts concepts)</c>.</summary>
    public bool TakesConcepts { get; }

    /// <summary>Gets the phrases the program looks up in its <see cref="Concepts"/>, in source order; empty for a program that does not take them.</summary>
    /// <remarks>The sandbox accepts only compile-time constant phrases, so this is every phrase the program can name.</remarks>
    public IReadOnlyList<string> ConceptPhrases { get; }

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
    /// <remarks>
    /// Any other exception the program throws propagates unchanged. A concept program gets the item's scores from the
    /// run that compiled it; called outside a run, its lookups throw <see cref="KeyNotFoundException"/> (use
    /// <see cref="Apply(TItem, Concepts)"/>).
    /// </remarks>
    public int Apply(TItem item) => Apply(item, _concepts is { } scores ? scores.For(item) : default);

    /// <summary>Runs the program on one item with given concept scores, under a fresh budget.</summary>
    /// <param name="item">The item to label.</param>
    /// <param name="concepts">The item's concept scores; ignored by a program that does not take them.</param>
    /// <returns>What the program's <c>Label</c> method returned.</returns>
    /// <exception cref="ProgramBudgetExceededException">The call passed its step, call-depth or memory budget.</exception>
    /// <exception cref="RegexMatchTimeoutException">A regular expression timed out on the first attempt and on each of <see cref="SandboxOptions.RegexTimeoutRetries"/> retries.</exception>
    /// <exception cref="KeyNotFoundException">The program looked up a phrase or prototype <paramref name="concepts"/> does not hold.</exception>
    /// <exception cref="ObjectDisposedException">The compilation that produced this function was disposed.</exception>
    /// <remarks>Any other exception the program throws propagates unchanged.</remarks>
    public int Apply(TItem item, Concepts concepts)
    {
        for (int retries = 0; ; retries++)
        {
            try
            {
                return ApplyOnce(item, concepts);
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
    internal void Detach()
    {
        Volatile.Write(ref _entry, null);
        Volatile.Write(ref _conceptEntry, null);
    }

    /// <summary>Gives a concept program the run's scores, which <see cref="Apply(TItem)"/> reads.</summary>
    internal void BindConcepts(ConceptScores<TItem> scores) => Volatile.Write(ref _concepts, scores);

    private int ApplyOnce(TItem item, Concepts concepts)
    {
        Func<TItem, int>? entry = Volatile.Read(ref _entry);
        Func<TItem, Concepts, int>? conceptEntry = entry is null ? Volatile.Read(ref _conceptEntry) : null;
        if (entry is null && conceptEntry is null)
        {
            throw new ObjectDisposedException(Name, $"The labeling program '{Name}' was unloaded when its compilation was disposed; compile it again to apply it.");
        }

        SandboxRuntime.BudgetFrame saved = SandboxRuntime.Begin(_options);
        try
        {
            return entry is not null ? entry(item) : conceptEntry!(item, concepts);
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
