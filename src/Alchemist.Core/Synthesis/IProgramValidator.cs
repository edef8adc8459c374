namespace Alchemist;

/// <summary>Represents a check of a candidate program, used by synthesizers to repair programs that fail it.</summary>
/// <remarks>The pipeline's validator compiles the program in the sandbox and runs it on a sample of items.</remarks>
public interface IProgramValidator
{
    /// <summary>Checks a candidate program.</summary>
    /// <param name="program">The candidate.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether it passed and, when it did not, the exact messages to show its author.</returns>
    ValueTask<ProgramValidation> ValidateAsync(LabelingProgram program, CancellationToken cancellationToken = default);
}
