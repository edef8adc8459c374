namespace Alchemist;

/// <summary>Represents what a synthesizer is asked for: programs for a task, with labeled examples and a validator for self-repair.</summary>
/// <typeparam name="TItem">The type of item the programs label.</typeparam>
public sealed class SynthesisRequest<TItem>
{
    /// <summary>Initializes a new instance of the <see cref="SynthesisRequest{TItem}"/> class.</summary>
    /// <param name="task">The task: name, description and class names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is <see langword="null"/>.</exception>
    public SynthesisRequest(LabelingTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Task = task;
    }

    /// <summary>Gets the task.</summary>
    public LabelingTask Task { get; }

    /// <summary>Gets the number of programs wanted.</summary>
    /// <value>The default is 10.</value>
    public int ProgramCount { get; init; } = 10;

    /// <summary>Gets labeled examples, such as the dev split or a few items the user labeled.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<LabeledExample<TItem>> Examples { get; init; } = [];

    /// <summary>Gets unlabeled items a synthesizer may look at, for example to find items no program covers.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<TItem> UnlabeledSample { get; init; } = [];

    /// <summary>Gets the validator that checks each candidate (compile, sandbox, a run on a sample), so that a synthesizer can repair what fails; <see langword="null"/> for none.</summary>
    public IProgramValidator? Validator { get; init; }
}
