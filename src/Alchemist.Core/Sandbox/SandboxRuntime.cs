using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Alchemist;

/// <summary>Provides the budget checks that <see cref="ProgramCompiler"/> weaves into compiled labeling programs.</summary>
/// <remarks>
/// <para>
/// This type is infrastructure for compiled programs and is not meant to be called from other code. The program
/// source a compiler accepts cannot name it; the rewrite that follows the sandbox checks inserts the calls.
/// </para>
/// <para>
/// The budget of a call lives in thread-static fields that <see cref="SandboxedLabelingFunction{TItem}.Apply(TItem)"/> sets
/// before it enters the program and restores after it leaves, so concurrent calls on several threads each have their
/// own budget. Program code that runs outside such a call (which the sandbox never does) has no budget and throws.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SandboxRuntime
{
    /// <summary>The call depth from which each method entry also checks that enough stack is left.</summary>
    private const int StackProbeDepth = 8;

    /// <summary>The value the step counter is set to once a call has overrun, so that every later step throws again.</summary>
    private const long Overrun = long.MinValue / 2;

    private static readonly TimeSpan DefaultRegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The budget of the call running on this thread; one instance per thread, reused by every call (see <see cref="Budget"/>).</summary>
    [ThreadStatic]
    private static Budget? t_budget;

    /// <summary>Gets the match timeout that regular expressions built by the current call must use.</summary>
    public static TimeSpan RegexTimeout => t_budget is { RegexTimeout: var timeout } && timeout > TimeSpan.Zero ? timeout : DefaultRegexTimeout;

    /// <summary>Charges one step: a loop iteration.</summary>
    /// <exception cref="ProgramBudgetExceededException">The call has no steps or memory left.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step()
    {
        Budget? budget = t_budget;
        if (budget is null || --budget.StepsLeft < 0 || GC.GetAllocatedBytesForCurrentThread() > budget.AllocationLimit)
        {
            ThrowOverrun(ProgramBudgetKind.Steps);
        }
    }

    /// <summary>Charges one step and one level of call depth: an entry into a method, local function, lambda or accessor.</summary>
    /// <exception cref="ProgramBudgetExceededException">The call has no steps, depth, stack or memory left.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Enter()
    {
        Budget? budget = t_budget;
        if (budget is null)
        {
            ThrowOverrun(ProgramBudgetKind.CallDepth);
        }

        int depth = ++budget.Depth;
        if (--budget.StepsLeft < 0 || depth > budget.MaxDepth || GC.GetAllocatedBytesForCurrentThread() > budget.AllocationLimit ||
            (depth > StackProbeDepth && !RuntimeHelpers.TryEnsureSufficientExecutionStack()))
        {
            budget.Depth = depth - 1;
            ThrowOverrun(ProgramBudgetKind.CallDepth);
        }
    }

    /// <summary>Leaves a method that <see cref="Enter"/> entered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Exit()
    {
        if (t_budget is { } budget)
        {
            budget.Depth--;
        }
    }

    /// <summary>Charges an explicitly sized allocation before it happens.</summary>
    /// <param name="count">The number of elements.</param>
    /// <param name="elementBytes">The estimated size of one element in bytes.</param>
    /// <returns><paramref name="count"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The allocation would pass the step or memory budget of the call.</exception>
    public static int Size(int count, int elementBytes)
    {
        ChargeAllocation(count, elementBytes);
        return count;
    }

    /// <summary>Charges an explicitly sized allocation before it happens.</summary>
    /// <param name="count">The number of elements.</param>
    /// <param name="elementBytes">The estimated size of one element in bytes.</param>
    /// <returns><paramref name="count"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The allocation would pass the step or memory budget of the call.</exception>
    public static long Size(long count, int elementBytes)
    {
        ChargeAllocation(count, elementBytes);
        return count;
    }

    /// <summary>Charges an explicitly sized allocation before it happens.</summary>
    /// <param name="count">The number of elements.</param>
    /// <param name="elementBytes">The estimated size of one element in bytes.</param>
    /// <returns><paramref name="count"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The allocation would pass the step or memory budget of the call.</exception>
    public static ulong Size(ulong count, int elementBytes)
    {
        ChargeAllocation(count > long.MaxValue ? long.MaxValue : (long)count, elementBytes);
        return count;
    }

    /// <summary>Creates a two-dimensional array after charging its size.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="length0">The length of the first dimension.</param>
    /// <param name="length1">The length of the second dimension.</param>
    /// <param name="elementBytes">The estimated size of one element in bytes.</param>
    /// <returns>The new array.</returns>
    /// <exception cref="ProgramBudgetExceededException">The array would pass the step or memory budget of the call.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1814:Prefer jagged arrays over multidimensional", Justification = "It creates what the program asked for.")]
    public static T[,] Array2<T>(long length0, long length1, int elementBytes)
    {
        ChargeAllocation(Product(length0, length1), elementBytes);
        return new T[length0, length1];
    }

    /// <summary>Creates a three-dimensional array after charging its size.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="length0">The length of the first dimension.</param>
    /// <param name="length1">The length of the second dimension.</param>
    /// <param name="length2">The length of the third dimension.</param>
    /// <param name="elementBytes">The estimated size of one element in bytes.</param>
    /// <returns>The new array.</returns>
    /// <exception cref="ProgramBudgetExceededException">The array would pass the step or memory budget of the call.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1814:Prefer jagged arrays over multidimensional", Justification = "It creates what the program asked for.")]
    public static T[,,] Array3<T>(long length0, long length1, long length2, int elementBytes)
    {
        ChargeAllocation(Product(Product(length0, length1), length2), elementBytes);
        return new T[length0, length1, length2];
    }

    /// <summary>Determines whether a <see langword="catch"/> clause of a program may catch an exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="false"/> for the exceptions that end a call (budget overruns, regular expression timeouts, out of memory or stack, a concept the run did not embed), and for any exception once the call has overrun.</returns>
    public static bool CanCatch(Exception exception) =>
        t_budget?.Overrun is null &&
        exception is not (ProgramBudgetExceededException or RegexMatchTimeoutException or OutOfMemoryException or InsufficientExecutionStackException or ConceptNotEmbeddedException) &&
        exception is not TypeInitializationException { InnerException: ProgramBudgetExceededException or RegexMatchTimeoutException };

    /// <summary>Returns the match timeout a program may use: the smaller of the one it asked for and <see cref="RegexTimeout"/>.</summary>
    /// <param name="requested">The timeout the program passed.</param>
    /// <returns>The timeout to use.</returns>
    public static TimeSpan ClampRegexTimeout(TimeSpan requested) =>
        requested == Regex.InfiniteMatchTimeout || requested > RegexTimeout ? RegexTimeout : requested;

    /// <summary>Checks a format string the program computed at run time before a formatting method sees it.</summary>
    /// <param name="format">The format string or specifier.</param>
    /// <returns><paramref name="format"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The format asks for more digits or padding than a program may use.</exception>
    public static string? Format(string? format)
    {
        if (format is not null && !ProgramSyntaxChecker.IsSafeFormat(format))
        {
            ThrowFormat();
        }

        return format;
    }

    /// <summary>Checks a format specifier the program computed at run time before a formatting method sees it.</summary>
    /// <param name="format">The format specifier.</param>
    /// <returns><paramref name="format"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The format asks for more digits or padding than a program may use.</exception>
    public static ReadOnlySpan<char> Format(ReadOnlySpan<char> format)
    {
        if (!ProgramSyntaxChecker.IsSafeFormat(format))
        {
            ThrowFormat();
        }

        return format;
    }

    /// <summary>Sets the length of a string builder after charging what it grows by.</summary>
    /// <param name="builder">The string builder.</param>
    /// <param name="length">The new length.</param>
    /// <returns><paramref name="length"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The growth would pass the step or memory budget of the call.</exception>
    public static int SetLength(System.Text.StringBuilder builder, int length)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ChargeAllocation((long)length - builder.Length, sizeof(char));
        builder.Length = length;
        return length;
    }

    /// <summary>Adds to the length of a string builder after charging what it grows by.</summary>
    /// <param name="builder">The string builder.</param>
    /// <param name="delta">The number of characters to add (or, when negative, to remove).</param>
    /// <returns>The new length.</returns>
    /// <exception cref="ProgramBudgetExceededException">The growth would pass the step or memory budget of the call.</exception>
    public static int AddLength(System.Text.StringBuilder builder, int delta)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ChargeAllocation(delta, sizeof(char));
        builder.Length += delta;
        return builder.Length;
    }

    /// <summary>Charges the construction of a regular expression by the length of its pattern, before the pattern is parsed.</summary>
    /// <param name="pattern">The pattern.</param>
    /// <returns><paramref name="pattern"/>.</returns>
    /// <exception cref="ProgramBudgetExceededException">The pattern is longer than the steps left in the call.</exception>
    public static string Pattern(string pattern)
    {
        ChargeWork(pattern?.Length ?? 0, 64); // Four steps per character.
        return pattern!;
    }

    /// <summary>Splits a string after charging the work of matching every separator at every position.</summary>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    /// <returns>The parts.</returns>
    /// <exception cref="ProgramBudgetExceededException">The split would pass the step budget of the call.</exception>
    public static string[] Split(string text, params char[]? separator)
    {
        ChargeSplit(text, separator?.Length ?? 0);
        return text.Split(separator);
    }

    /// <inheritdoc cref="Split(string, char[])"/>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    /// <param name="count">The most parts to return.</param>
    public static string[] Split(string text, char[]? separator, int count)
    {
        ChargeSplit(text, separator?.Length ?? 0);
        return text.Split(separator, count);
    }

    /// <inheritdoc cref="Split(string, char[])"/>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    /// <param name="options">The split options.</param>
    public static string[] Split(string text, char[]? separator, StringSplitOptions options)
    {
        ChargeSplit(text, separator?.Length ?? 0);
        return text.Split(separator, options);
    }

    /// <inheritdoc cref="Split(string, char[])"/>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    /// <param name="count">The most parts to return.</param>
    /// <param name="options">The split options.</param>
    public static string[] Split(string text, char[]? separator, int count, StringSplitOptions options)
    {
        ChargeSplit(text, separator?.Length ?? 0);
        return text.Split(separator, count, options);
    }

    /// <inheritdoc cref="Split(string, char[])"/>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    /// <param name="options">The split options.</param>
    public static string[] Split(string text, string[]? separator, StringSplitOptions options)
    {
        ChargeSplit(text, separator?.Length ?? 0);
        return text.Split(separator, options);
    }

    /// <inheritdoc cref="Split(string, char[])"/>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    /// <param name="count">The most parts to return.</param>
    /// <param name="options">The split options.</param>
    public static string[] Split(string text, string[]? separator, int count, StringSplitOptions options)
    {
        ChargeSplit(text, separator?.Length ?? 0);
        return text.Split(separator, count, options);
    }

    /// <inheritdoc cref="Split(string, char[])"/>
    /// <param name="text">The string to split.</param>
    /// <param name="separator">The separators.</param>
    public static string[] Split(string text, params ReadOnlySpan<char> separator)
    {
        ChargeSplit(text, separator.Length);
        return text.Split(separator);
    }

    /// <summary>Wraps a lazy sequence so that each element it yields is charged a step and the stack is checked.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The sequence a LINQ operator returned.</param>
    /// <returns>A sequence with the same elements.</returns>
    public static IEnumerable<T> Track<T>(IEnumerable<T> source) =>
        source is null or TrackedEnumerable<T> or TrackedOrderedEnumerable<T> ? source! : new TrackedEnumerable<T>(source);

    /// <summary>Wraps a lazy ordered sequence so that each element it yields is charged a step and the stack is checked.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The sequence a LINQ ordering operator returned.</param>
    /// <returns>An ordered sequence with the same elements.</returns>
    public static IOrderedEnumerable<T> Track<T>(IOrderedEnumerable<T> source) =>
        source is null or TrackedOrderedEnumerable<T> ? source! : new TrackedOrderedEnumerable<T>(source, 1);

    /// <summary>Charges a step for one element of a tracked sequence, and checks the stack.</summary>
    internal static void StepElement()
    {
        Budget? budget = t_budget;
        if (budget is null || --budget.StepsLeft < 0 || GC.GetAllocatedBytesForCurrentThread() > budget.AllocationLimit || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            ThrowOverrun(ProgramBudgetKind.CallDepth);
        }
    }

    /// <summary>Starts the budget of one call on the current thread.</summary>
    /// <param name="options">The validated options.</param>
    /// <returns>The budget that was active before, to pass to <see cref="End"/>.</returns>
    /// <remarks>
    /// Called once per item and program, so it touches one thread-static (the thread's <see cref="Budget"/>, created on
    /// its first call) and saves the previous budget only when a call is already running on the thread.
    /// </remarks>
    internal static BudgetFrame Begin(SandboxOptions options)
    {
        Budget budget = t_budget ??= new Budget();
        BudgetFrame saved = budget.Active
            ? new BudgetFrame(true, budget.StepsLeft, budget.Depth, budget.MaxDepth, budget.AllocationLimit, budget.StepBudget, budget.MaxAllocatedBytes, budget.RegexTimeout, budget.Overrun)
            : default;
        budget.StepsLeft = options.ChargeSteps ? options.StepBudget : long.MaxValue;
        budget.Depth = 0;
        budget.MaxDepth = options.ChargeSteps ? options.MaxCallDepth : int.MaxValue;
        budget.StepBudget = options.StepBudget;
        budget.MaxAllocatedBytes = options.MaxAllocatedBytes;
        budget.AllocationLimit = GC.GetAllocatedBytesForCurrentThread() + options.MaxAllocatedBytes;
        budget.RegexTimeout = options.RegexMatchTimeout;
        budget.Overrun = null;
        budget.Active = true;
        return saved;
    }

    /// <summary>Restores the budget that was active before <see cref="Begin"/>.</summary>
    /// <param name="saved">What <see cref="Begin"/> returned.</param>
    internal static void End(in BudgetFrame saved)
    {
        Budget budget = t_budget!;
        budget.StepsLeft = saved.StepsLeft;
        budget.Depth = saved.Depth;
        budget.MaxDepth = saved.MaxDepth;
        budget.AllocationLimit = saved.AllocationLimit;
        budget.StepBudget = saved.StepBudget;
        budget.MaxAllocatedBytes = saved.MaxAllocatedBytes;
        budget.RegexTimeout = saved.RegexTimeout;
        budget.Overrun = saved.Overrun;
        budget.Active = saved.Active;
    }

    private static long Product(long a, long b) =>
        a <= 0 || b <= 0 ? 0 : (double)a * b >= long.MaxValue ? long.MaxValue : a * b;

    private static void ChargeAllocation(long count, int elementBytes)
    {
        if (count <= 0)
        {
            return; // The runtime rejects negative sizes itself.
        }

        Budget budget = Current();

        // Refuse the allocation before it happens when it alone would pass the memory budget.
        double bytes = (double)count * Math.Max(elementBytes, 1);
        if (bytes > budget.AllocationLimit - GC.GetAllocatedBytesForCurrentThread())
        {
            budget.Overrun = ProgramBudgetKind.Memory;
            budget.StepsLeft = Overrun;
            throw new ProgramBudgetExceededException(ProgramBudgetKind.Memory, budget.MaxAllocatedBytes, string.Create(CultureInfo.InvariantCulture,
                $"The program tried to allocate {count:N0} elements (about {bytes / (1024 * 1024):N0} MiB) on one item, more than its memory budget of {budget.MaxAllocatedBytes / (1024 * 1024):N0} MiB allows; keep collections and strings proportional to the item."));
        }

        budget.StepsLeft -= (count >> 4) + 1;
        if (budget.StepsLeft < 0)
        {
            ThrowOverrun(ProgramBudgetKind.Steps);
        }
    }

    private static void ChargeSplit(string text, int separators)
    {
        ArgumentNullException.ThrowIfNull(text);
        ChargeWork(text.Length, Math.Max(separators, 1));
    }

    /// <summary>Charges the work of a single framework call, one step per 16 units, before it happens.</summary>
    private static void ChargeWork(long length, long factor)
    {
        Budget budget = Current();
        budget.StepsLeft -= (Product(length, factor) >> 4) + 1;
        if (budget.StepsLeft < 0)
        {
            ThrowOverrun(ProgramBudgetKind.Steps);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFormat()
    {
        Budget budget = Current();
        budget.Overrun = ProgramBudgetKind.Memory;
        budget.StepsLeft = Overrun;
        throw new ProgramBudgetExceededException(ProgramBudgetKind.Memory, ProgramSyntaxChecker.MaxFormatWidth, string.Create(CultureInfo.InvariantCulture,
            $"The program used a format that asks for more than {ProgramSyntaxChecker.MaxFormatWidth:N0} digits or characters of padding; use a shorter format."));
    }

    /// <summary>Gets the budget of the call running on this thread.</summary>
    /// <exception cref="ProgramBudgetExceededException">No call is running: program code ran outside <see cref="SandboxedLabelingFunction{TItem}.Apply(TItem)"/>.</exception>
    private static Budget Current()
    {
        Budget? budget = t_budget;
        if (budget is not { Active: true })
        {
            ThrowOutsideCall();
        }

        return budget;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOutsideCall() =>
        throw new ProgramBudgetExceededException(ProgramBudgetKind.Steps, 0, "Labeling program code ran outside a call of SandboxedLabelingFunction.Apply, which has no budget.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOverrun(ProgramBudgetKind hint)
    {
        Budget budget = Current();
        ProgramBudgetKind kind = budget.Overrun ?? (
            budget.StepsLeft < 0 ? ProgramBudgetKind.Steps :
            GC.GetAllocatedBytesForCurrentThread() > budget.AllocationLimit ? ProgramBudgetKind.Memory :
            hint);
        budget.Overrun = kind;
        budget.StepsLeft = Overrun;
        throw kind switch
        {
            ProgramBudgetKind.Steps => new ProgramBudgetExceededException(kind, budget.StepBudget, string.Create(CultureInfo.InvariantCulture,
                $"The program took more than {budget.StepBudget:N0} steps (loop iterations, calls and LINQ elements) on one item; look for a loop or recursion that does not end, or do less work per item.")),
            ProgramBudgetKind.Memory => new ProgramBudgetExceededException(kind, budget.MaxAllocatedBytes, string.Create(CultureInfo.InvariantCulture,
                $"The program allocated more than {budget.MaxAllocatedBytes / (1024 * 1024):N0} MiB on one item; look for a string or collection that grows without bound.")),
            _ => budget.Depth >= budget.MaxDepth
                ? new ProgramBudgetExceededException(kind, budget.MaxDepth, string.Create(CultureInfo.InvariantCulture,
                    $"The program nested calls more than {budget.MaxDepth:N0} deep on one item; look for recursion that does not end."))
                : new ProgramBudgetExceededException(kind, budget.MaxDepth, "The program would have run out of stack; look for recursion or a chain of lazy LINQ operators that does not end."),
        };
    }

    /// <summary>The budget state of a thread, saved by <see cref="Begin"/> and restored by <see cref="End"/>; <see langword="default"/> when no call was running.</summary>
    internal readonly record struct BudgetFrame(
        bool Active, long StepsLeft, int Depth, int MaxDepth, long AllocationLimit, long StepBudget, long MaxAllocatedBytes, TimeSpan RegexTimeout, ProgramBudgetKind? Overrun);

    /// <summary>The budget of the call running on one thread, in one object so that a call's entry, exit and steps touch one thread-static.</summary>
    /// <remarks>Outside a call, <see cref="Active"/> is <see langword="false"/> and <see cref="StepsLeft"/> and <see cref="MaxDepth"/> are 0, so the first step throws.</remarks>
    private sealed class Budget
    {
        public long StepsLeft;
        public int Depth;
        public int MaxDepth;
        public long AllocationLimit;
        public long StepBudget;
        public long MaxAllocatedBytes;
        public TimeSpan RegexTimeout;
        public ProgramBudgetKind? Overrun;
        public bool Active;
    }
}
