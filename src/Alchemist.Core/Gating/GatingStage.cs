namespace Alchemist;

/// <summary>
/// The gating stage of a run: compiles candidate programs through the run's compiler (each distinct program once),
/// validates them for self-repair, decides which programs and hand-written functions to keep, and tells the
/// synthesizers what the programs so far missed.
/// </summary>
/// <typeparam name="TItem">The type of item.</typeparam>
internal sealed class GatingStage<TItem>
{
    private const int FeedbackProblems = 5;
    private readonly ProgramGate _gate;
    private readonly GateCompiler _compiler;
    private readonly LabelingFunctionApplier _applier;
    private readonly LabelingTask _task;
    private readonly IReadOnlyList<TItem> _sample;
    private readonly IReadOnlyList<LabeledExample<TItem>> _seed;
    private readonly IReadOnlyList<ILabelingFunction<TItem>> _functions;
    private readonly bool _gateFunctions;

    /// <summary>Initializes a new instance of the <see cref="GatingStage{TItem}"/> class.</summary>
    /// <param name="gate">The gate, with its thresholds.</param>
    /// <param name="compiler">Compiles programs: the run's cache.</param>
    /// <param name="applier">Runs the kept programs on the seed items for feedback.</param>
    /// <param name="task">The task.</param>
    /// <param name="sample">The unlabeled items every candidate runs on.</param>
    /// <param name="seed">The labeled seed items, for the dev floors and feedback; may be empty.</param>
    /// <param name="functions">The job's hand-written functions.</param>
    /// <param name="gateFunctions">Whether hand-written functions are dropped by the same checks as programs.</param>
    public GatingStage(
        ProgramGate gate,
        GateCompiler compiler,
        LabelingFunctionApplier applier,
        LabelingTask task,
        IReadOnlyList<TItem> sample,
        IReadOnlyList<LabeledExample<TItem>> seed,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        bool gateFunctions)
    {
        _gate = gate;
        _compiler = compiler;
        _applier = applier;
        _task = task;
        _sample = sample;
        _seed = seed;
        _functions = functions;
        _gateFunctions = gateFunctions;
    }

    /// <summary>Gets the validator synthesizers repair their programs against: compile in the sandbox and run on the sample, with the gate's fault limit.</summary>
    public IProgramValidator Validator => new SandboxProgramValidator<TItem>(_compiler, _sample, _task.ClassCount, _gate.Options.MaxFaultRate);

    /// <summary>Decides which programs and hand-written functions to keep.</summary>
    public GateDecisions<TItem> Evaluate(IEnumerable<LabelingProgram> programs, CancellationToken cancellationToken) =>
        _gate.Decide(_compiler, programs, _functions, _gateFunctions, _task, _sample, _seed.Count > 0 ? _seed : null, cancellationToken);

    /// <summary>Gates the programs so far and shows their gaps: the seed items (or sample items) no kept program covers or where kept ones disagree, and why programs were dropped.</summary>
    public SynthesisFeedback<TItem> Feedback(IReadOnlyList<LabelingProgram> programs, CancellationToken cancellationToken)
    {
        GateDecisions<TItem> decisions = Evaluate(programs, cancellationToken);
        string[] problems = [.. decisions.Programs.Where(d => !d.Kept).Take(FeedbackProblems).Select(d => $"{d.Name}: {d.Message}")];
        ILabelingFunction<TItem>[] kept = [.. decisions.Functions.Concat(decisions.Programs).Where(d => d.Kept).Select(d => d.Function!)];
        IReadOnlyList<TItem> items = _seed.Count > 0 ? [.. _seed.Select(e => e.Item)] : _sample;
        LabelMatrix votes = _applier.Apply(items, kept, _task.ClassCount, cancellationToken: cancellationToken).Matrix;
        return SynthesisFeedback.FromVotes(items, votes, _seed.Count > 0 ? [.. _seed.Select(e => e.Label)] : null, problems: problems);
    }
}
