using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Represents the limits under which <see cref="ProgramCompiler"/> compiles labeling programs and runs them.</summary>
/// <remarks>
/// The compiler validates the options when it is created and reads them when it compiles and runs a program, so set
/// them before the compiler is used. See docs/sandbox.md for what each limit guarantees.
/// </remarks>
public sealed class SandboxOptions
{
    /// <summary>The default of <see cref="RegexTimeoutRetries"/>, which the offline synthesizer's mining also uses.</summary>
    internal const int DefaultRegexTimeoutRetries = 2;

    /// <summary>Gets or sets the number of steps one call of a program may take.</summary>
    /// <value>The default is 1,000,000.</value>
    /// <remarks>
    /// A step is charged at every loop iteration, every entry into a method, local function, lambda or accessor of the
    /// program, and every element that flows through a LINQ operator the program calls. Allocating an array, a string
    /// or a collection with an explicit size costs one step per 16 elements. A call that runs out of steps throws
    /// <see cref="ProgramBudgetExceededException"/>.
    /// </remarks>
    [Range(1L, long.MaxValue)]
    public long StepBudget { get; set; } = 1_000_000;

    /// <summary>Gets or sets the deepest nesting of the program's own methods, local functions and lambdas in one call.</summary>
    /// <value>The default is 256.</value>
    /// <remarks>Deeper recursion throws <see cref="ProgramBudgetExceededException"/>; so does recursion that would leave too little stack for the host, whatever this limit.</remarks>
    [Range(1, 100_000)]
    public int MaxCallDepth { get; set; } = 256;

    /// <summary>Gets or sets the match timeout of every regular expression a program builds or calls.</summary>
    /// <value>The default is 100 milliseconds.</value>
    /// <remarks>A program that passes its own timeout gets the smaller of the two. A match that times out throws <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/>, which the program cannot catch.</remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "1.00:00:00")]
    public TimeSpan RegexMatchTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how many times a call whose regular expression timed out is run again before the timeout counts as the call's fault.</summary>
    /// <value>The default is 2. Zero turns retries off.</value>
    /// <remarks>
    /// <para>
    /// The match timeout is measured on the clock, so it also fires when the machine, not the pattern, is slow: a
    /// thread descheduled on a busy machine or paused by a garbage collection can pass 100 ms inside a match that
    /// needs microseconds. Left alone, such a call would abstain in one run and vote in the next. A program is a pure
    /// function of its item, so running it again is safe; a pattern that really backtracks catastrophically times out
    /// on every attempt, and costs one timeout per attempt.
    /// </para>
    /// <para>
    /// A run reports the calls it retried in <see cref="SandboxedLabelingFunction{TItem}.RegexTimeoutRetries"/>.
    /// </para>
    /// </remarks>
    [Range(0, 10)]
    public int RegexTimeoutRetries { get; set; } = DefaultRegexTimeoutRetries;

    /// <summary>Gets or sets the longest program source, in characters, the compiler accepts.</summary>
    /// <value>The default is 100,000.</value>
    [Range(1, 10_000_000)]
    public int MaxSourceLength { get; set; } = 100_000;

    /// <summary>Gets or sets the number of bytes one call of a program may allocate.</summary>
    /// <value>The default is 256 MiB.</value>
    /// <remarks>
    /// An explicitly sized allocation that would pass the limit throws before it happens; other allocations are
    /// checked at every step, so a program that grows a string or a collection in a loop throws
    /// <see cref="ProgramBudgetExceededException"/> soon after it passes the limit.
    /// </remarks>
    [Range(1024L * 1024, long.MaxValue)]
    public long MaxAllocatedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets how long the compiler may spend on one program before it rejects it.</summary>
    /// <value>The default is 30 seconds.</value>
    /// <remarks>
    /// The limit bounds the compiler's work, so it is charged in processor time: a compilation is stopped once both
    /// the clock and the processor time of the process compiling it have passed the limit, or the clock alone ten
    /// times it. A compilation that only waited for a processor on a busy machine is not rejected for it.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "1.00:00:00")]
    public TimeSpan CompileTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether loops and methods are rewritten to charge the step budget.</summary>
    /// <value>The default is <see langword="true"/>. Turning it off is for measuring the budget's overhead only: a runaway program then hangs its caller.</value>
    internal bool ChargeSteps { get; set; } = true;

    /// <summary>Copies the options, such as for the worker processes of a run, which keep the values the run started with.</summary>
    internal SandboxOptions Snapshot() => (SandboxOptions)MemberwiseClone();
}

/// <summary>Validates <see cref="SandboxOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class SandboxOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<SandboxOptions>;
