namespace Alchemist;

/// <summary>Represents the outcome of an <see cref="IProgramValidator"/>: passed, or failed with messages.</summary>
/// <param name="IsValid">Whether the program passed.</param>
/// <param name="Problems">The messages (compiler errors, sandbox rules, faults), each naming its source line where it has one.</param>
public sealed record ProgramValidation(bool IsValid, IReadOnlyList<string> Problems)
{
    /// <summary>Gets the outcome of a program that passed.</summary>
    public static ProgramValidation Valid { get; } = new(true, []);

    /// <summary>Creates the outcome of a program that failed.</summary>
    /// <param name="problems">The messages; at least one.</param>
    /// <returns>A failed validation.</returns>
    /// <exception cref="ArgumentException"><paramref name="problems"/> is empty.</exception>
    public static ProgramValidation Invalid(params string[] problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Length == 0)
        {
            throw new ArgumentException("A failed validation needs at least one problem.", nameof(problems));
        }

        return new ProgramValidation(false, problems);
    }
}
