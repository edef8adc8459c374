namespace Alchemist;

/// <summary>Represents what a synthesizer is asked for: programs for a task, with labeled examples, feedback from earlier rounds, and a validator for self-repair.</summary>
/// <typeparam name="TItem">The type of item the programs label.</typeparam>
public sealed record SynthesisRequest<TItem>
{
    /// <summary>The default of <see cref="ProgramNamePrefix"/>.</summary>
    public const string DefaultProgramNamePrefix = "llm";

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
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ProgramCount
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 10;

    /// <summary>Gets labeled examples, such as the dev split or a few items the user labeled.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<LabeledExample<TItem>> Examples { get; init; } = [];

    /// <summary>Gets unlabeled items a synthesizer may look at, for example to show the model what items look like when there are no labeled examples.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<TItem> UnlabeledSample { get; init; } = [];

    /// <summary>Gets the run's concept scores of the examples and the unlabeled sample, for synthesizers that write concept programs; <see langword="null"/> when the run has none.</summary>
    internal ConceptScores<TItem>? Concepts { get; init; }

    /// <summary>Gets the validator that checks each candidate (compile, sandbox, a run on a sample), so that a synthesizer can repair what fails; <see langword="null"/> for none.</summary>
    public IProgramValidator? Validator { get; init; }

    /// <summary>Gets what earlier rounds taught: problems of rejected programs, uncovered and conflicting items; <see langword="null"/> for a first round.</summary>
    public SynthesisFeedback<TItem>? Feedback { get; init; }

    /// <summary>Gets background knowledge about the task (class descriptions, keywords, rules) to put in every prompt; <see langword="null"/> for none.</summary>
    /// <remarks>A chat synthesizer configured to do so asks the model to write it first when it is <see langword="null"/>.</remarks>
    public string? PriorKnowledge { get; init; }

    /// <summary>Gets the prefix of the names of the programs, such as <c>llm</c> for <c>llm-000</c>; use a new prefix per round so names stay unique.</summary>
    /// <value>The default is <c>llm</c>.</value>
    /// <exception cref="ArgumentException">The value is not a valid program name (see <see cref="LabelingProgram.IsValidName"/>).</exception>
    public string ProgramNamePrefix
    {
        get;
        init
        {
            if (!LabelingProgram.IsValidName(value) || value.Length > 100)
            {
                throw new ArgumentException($"The program name prefix '{value}' is not valid; use at most 100 letters, digits, '-', '_' and '.', not starting with '.'.", nameof(value));
            }

            field = value;
        }
    } = DefaultProgramNamePrefix;

    /// <summary>Gets the log that records every call of this request and what came of it (the run's); <see langword="null"/> for none.</summary>
    internal SynthesisLog? Log { get; init; }

    /// <summary>Gets the ledger in which a synthesizer that calls a model records each call's usage: the cost ledger of the run this request belongs to; <see langword="null"/> for the synthesizer's own.</summary>
    /// <remarks>A pipeline run passes a scope of its ledger (<see cref="CostLedger.CreateScope"/>), so that the run reports exactly the calls it made, however many runs share the synthesizer.</remarks>
    public CostLedger? Ledger { get; init; }
}
