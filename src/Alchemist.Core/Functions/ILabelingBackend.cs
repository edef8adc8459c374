namespace Alchemist;

/// <summary>Applies a run's kept programs to its items somewhere other than the run's own applier: other processes, other machines, a cluster.</summary>
/// <remarks>
/// <para>
/// A pipeline run whose job names a backend (<see cref="LabelingJob{TItem}.LabelingBackend"/>) still synthesizes, compiles
/// and gates its programs itself (that needs the seed labels and the synthesizers); only the labeling of the job's items
/// by the kept programs is delegated. Programs are plain C# source with a content hash, so a backend can compile them
/// wherever it runs them (through a <see cref="ProgramCompiler"/>, whose sandbox it keeps). Hand-written functions,
/// concept programs (<c>Label(item, Concepts)</c>: the run holds the concept scores they read) and the seed and test
/// items stay with the run.
/// </para>
/// <para>
/// The run's labels depend only on the matrix a backend returns: one that returns the same votes as
/// <see cref="LabelingFunctionApplier"/> gives the same labels as a run without it.
/// </para>
/// <para>
/// This method takes every item at once. A backend that can also label a streamed job's items as they are read, without
/// holding them, implements <see cref="IStreamingLabelingBackend"/>; a streamed job refuses any other backend.
/// </para>
/// </remarks>
public interface ILabelingBackend
{
    /// <summary>Applies programs to items.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="programs">The kept programs, one column each, in order.</param>
    /// <param name="items">The items, one row each, in order.</param>
    /// <param name="classCount">The number of classes of the task; votes are in <c>-1..classCount-1</c>.</param>
    /// <param name="progress">Receives the items labeled so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the application.</param>
    /// <returns>The votes, one row per item in input order and one column per program named after it, with each program's faults.</returns>
    /// <exception cref="NotSupportedException">The backend cannot label items of type <typeparamref name="TItem"/>.</exception>
    Task<LabelingResult> ApplyAsync<TItem>(
        IReadOnlyList<LabelingProgram> programs,
        IReadOnlyList<TItem> items,
        int classCount,
        IProgress<LabelingProgress>? progress,
        CancellationToken cancellationToken = default);
}
