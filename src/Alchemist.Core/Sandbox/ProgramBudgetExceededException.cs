namespace Alchemist;

/// <summary>The exception that is thrown when a call of a sandboxed program passes its step, call-depth or memory budget.</summary>
/// <remarks>
/// Programs cannot catch it: the sandbox adds a filter to every <see langword="catch"/> clause of a program. Once a
/// call has thrown it, every further step of the same call throws it again, so <see langword="finally"/> blocks cannot
/// keep a runaway call alive.
/// </remarks>
public sealed class ProgramBudgetExceededException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ProgramBudgetExceededException"/> class.</summary>
    public ProgramBudgetExceededException()
        : this("The labeling program passed its budget.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProgramBudgetExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ProgramBudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProgramBudgetExceededException"/> class with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ProgramBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProgramBudgetExceededException"/> class for a limit.</summary>
    /// <param name="kind">The limit that was passed.</param>
    /// <param name="limit">The value of the limit: steps, call depth or bytes.</param>
    /// <param name="message">The message.</param>
    public ProgramBudgetExceededException(ProgramBudgetKind kind, long limit, string message)
        : base(message)
    {
        Kind = kind;
        Limit = limit;
    }

    /// <summary>Gets the limit that was passed.</summary>
    public ProgramBudgetKind Kind { get; }

    /// <summary>Gets the value of the limit that was passed: steps, call depth or bytes; 0 when unknown.</summary>
    public long Limit { get; }
}
