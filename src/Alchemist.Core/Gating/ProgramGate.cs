using System.Globalization;

namespace Alchemist;

/// <summary>Decides which candidate programs earn a place: it compiles each in the sandbox, runs it on a sample (and a dev set), and keeps it only if it passes every check.</summary>
/// <remarks>
/// <para>
/// A program is kept only if it: compiles and passes the sandbox; faults on at most
/// <see cref="ProgramGateOptions.MaxFaultRate"/> of the sample; votes on some sample item; does not vote the same
/// class on every sample item; with a dev set, votes on at least <see cref="ProgramGateOptions.MinDevCoverage"/> of it
/// and is right on at least <see cref="ProgramGateOptions.MinDevAccuracy"/> of the dev items it votes on; and does
/// not vote exactly as an already kept program does on the sample. The checks run in that order, and the first that
/// fails is the drop's reason (see docs/gate.md).
/// </para>
/// <para>
/// Programs are decided in order of name (ordinal), then content hash, so the outcome does not depend on the order
/// they arrive in: of two duplicates, the one with the smaller name is kept. Functions run through a
/// <see cref="LabelingFunctionApplier"/>, in parallel with results identical to a sequential run. Thread-safe.
/// </para>
/// </remarks>
public sealed class ProgramGate
{
    private readonly GateCompiler _compiler;
    private readonly ProgramGateOptions _options;
    private readonly LabelingFunctionApplier _applier;

    /// <summary>Initializes a new instance of the <see cref="ProgramGate"/> class.</summary>
    /// <param name="compiler">The sandbox compiler; a new one with the default <see cref="SandboxOptions"/> when <see langword="null"/>.</param>
    /// <param name="options">The thresholds; the defaults when <see langword="null"/>. Validated here, and read at each evaluation.</param>
    /// <param name="applier">Runs the programs; a new one with one thread per core and no quarantine when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not valid; the message lists every problem.</exception>
    public ProgramGate(ProgramCompiler? compiler = null, ProgramGateOptions? options = null, LabelingFunctionApplier? applier = null)
        : this(new SandboxGateCompiler(compiler ?? new ProgramCompiler()), options, applier)
    {
    }

    internal ProgramGate(GateCompiler compiler, ProgramGateOptions? options, LabelingFunctionApplier? applier)
    {
        _compiler = compiler;
        _options = OptionsValidation.ThrowIfInvalid(new ProgramGateOptionsValidator(), options ?? new ProgramGateOptions(), nameof(options));

        _applier = applier ?? new LabelingFunctionApplier();
    }

    /// <summary>Gets the thresholds the gate applies.</summary>
    internal ProgramGateOptions Options => _options;

    /// <summary>Creates a gate with the same thresholds and applier that compiles with another compiler, such as a run's sandbox worker processes.</summary>
    internal ProgramGate WithCompiler(GateCompiler compiler) => new(compiler, _options, _applier);

    /// <summary>Decides which programs to keep.</summary>
    /// <typeparam name="TItem">The type of item.</typeparam>
    /// <param name="programs">The candidates.</param>
    /// <param name="task">The task; its class count bounds valid votes.</param>
    /// <param name="sample">Unlabeled items to run every program on, such as a few hundred training items.</param>
    /// <param name="devSet">Labeled items for the accuracy and coverage floors, or <see langword="null"/> (or empty) to skip them.</param>
    /// <param name="cancellationToken">Cancels the evaluation; checked between programs and while they run.</param>
    /// <returns>The kept programs with their compiled functions (dispose the result to unload them) and the dropped ones with their reasons.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="programs"/>, <paramref name="task"/> or <paramref name="sample"/> is <see langword="null"/>, or <paramref name="programs"/> holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="sample"/> is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; nothing stays loaded.</exception>
    public ProgramGateResult<TItem> Evaluate<TItem>(
        IEnumerable<LabelingProgram> programs,
        LabelingTask task,
        IReadOnlyList<TItem> sample,
        IReadOnlyList<LabeledExample<TItem>>? devSet = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        GateDecisions<TItem> decisions = Decide(_compiler, programs, [], gateFunctions: false, task, sample, devSet, cancellationToken);
        return new ProgramGateResult<TItem>(
            [.. decisions.Programs.Where(d => d.Kept).Select(d => new KeptProgram<TItem>(d.Program!, d.Function!, d.Metrics!, d.Owner))],
            [.. decisions.Programs.Where(d => !d.Kept).Select(d => d.ToDroppedProgram())]);
    }

    /// <summary>
    /// Decides which programs and hand-written functions to keep, compiling programs with <paramref name="compiler"/>
    /// (a run's cache, which owns what it compiled). Hand-written functions are decided first, in their order, and are
    /// kept whatever their figures unless <paramref name="gateFunctions"/> is set; a program that votes exactly as a kept
    /// function does is a duplicate of it.
    /// </summary>
    internal GateDecisions<TItem> Decide<TItem>(
        GateCompiler compiler,
        IEnumerable<LabelingProgram> programs,
        IReadOnlyList<ILabelingFunction<TItem>> functions,
        bool gateFunctions,
        LabelingTask task,
        IReadOnlyList<TItem> sample,
        IReadOnlyList<LabeledExample<TItem>>? devSet,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(programs);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(sample);
        LabelingProgram[] ordered = [.. programs];
        if (Array.Exists(ordered, p => p is null))
        {
            throw new ArgumentNullException(nameof(programs), "The programs hold a null entry.");
        }

        if (sample.Count == 0)
        {
            throw new ArgumentException("The sample is empty; give the items every program runs on, such as a few hundred training items.", nameof(sample));
        }

        Array.Sort(ordered, static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.ContentHash, b.ContentHash);
        });

        var names = new HashSet<string>(functions.Select(f => f.Name), StringComparer.Ordinal);
        var candidates = new List<GateDecision<TItem>>();
        candidates.AddRange(functions.Select(f => new GateDecision<TItem>(f.Name, null, f, null)));
        var programDecisions = new List<GateDecision<TItem>>();
        try
        {
            foreach (LabelingProgram program in ordered)
            {
                cancellationToken.ThrowIfCancellationRequested();
                GateDecision<TItem> decision = Compile<TItem>(compiler, program, names, cancellationToken);
                programDecisions.Add(decision);
                if (decision.Function is not null)
                {
                    candidates.Add(decision);
                }
            }

            if (candidates.Count > 0)
            {
                Measure(task, sample, devSet is { Count: > 0 } ? devSet : null, candidates, functions.Count, gateFunctions, cancellationToken);
            }
        }
        catch
        {
            foreach (GateDecision<TItem> decision in programDecisions)
            {
                decision.Unload();
            }

            throw;
        }

        return new GateDecisions<TItem>([.. candidates.Take(functions.Count)], programDecisions);
    }

    private static GateDecision<TItem> Compile<TItem>(GateCompiler compiler, LabelingProgram program, HashSet<string> names, CancellationToken cancellationToken)
    {
        if (!names.Add(program.Name))
        {
            return new GateDecision<TItem>(program.Name, program, null, null)
            {
                Reason = GateDropReason.DuplicateName,
                Message = $"Another program or function of this run is already named '{program.Name}'; names must be distinct.",
            };
        }

        GateCompilation<TItem> compilation = compiler.Compile<TItem>(program, cancellationToken);
        if (compilation.Function is null)
        {
            GateDropReason reason = compilation.Rejection ?? GateDropReason.CompileFailed;
            string first = compilation.Problems.Count > 0 ? compilation.Problems[0] : "no message";
            string more = compilation.Problems.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {compilation.Problems.Count - 1} more)") : string.Empty;
            return new GateDecision<TItem>(program.Name, program, null, null)
            {
                Reason = reason,
                Message = reason == GateDropReason.SandboxRejected ? $"The sandbox rejected it: {first}{more}." : $"It does not compile: {first}{more}.",
                Problems = compilation.Problems,
            };
        }

        // Functions and label-matrix columns are named after their programs (a cached compilation may carry the name of another program with the same source).
        ILabelingFunction<TItem> function = compilation.Function switch
        {
            { } same when string.Equals(same.Name, program.Name, StringComparison.Ordinal) => same,
            WorkerLabelingFunction<TItem> worker => worker.WithName(program.Name),
            { } other => new NamedFunction<TItem>(program.Name, other),
        };
        return new GateDecision<TItem>(program.Name, program, function, compilation.Owner);
    }

    private void Measure<TItem>(
        LabelingTask task,
        IReadOnlyList<TItem> sample,
        IReadOnlyList<LabeledExample<TItem>>? devSet,
        List<GateDecision<TItem>> candidates,
        int handWritten,
        bool gateFunctions,
        CancellationToken cancellationToken)
    {
        ILabelingFunction<TItem>[] functions = [.. candidates.Select(c => c.Function!)];
        LabelingResult sampleRun = _applier.Apply(sample, functions, task.ClassCount, cancellationToken: cancellationToken);
        LabelingResult? devRun = devSet is null ? null : _applier.Apply(devSet.Select(e => e.Item).ToArray(), functions, task.ClassCount, cancellationToken: cancellationToken);
        var keptColumns = new List<(sbyte[] Votes, string Name)>();

        for (int j = 0; j < candidates.Count; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GateDecision<TItem> candidate = candidates[j];
            sbyte[] votes = sampleRun.Matrix.GetColumn(j);
            ProgramGateMetrics metrics = Measure(votes, sampleRun.Faults[j], devRun?.Matrix.GetColumn(j), devSet);
            candidate.Metrics = metrics;
            bool gated = j >= handWritten || gateFunctions;
            (GateDropReason Reason, string Message)? drop = gated ? Check(metrics, task, devSet is not null) : null;
            if (drop is null && gated)
            {
                foreach ((sbyte[] other, string otherName) in keptColumns)
                {
                    if (votes.AsSpan().SequenceEqual(other))
                    {
                        drop = (GateDropReason.Duplicate, $"Its votes on the {metrics.SampleItems} sample items are identical to those of the kept {(candidates.Any(c => c.Program is null && c.Name == otherName) ? "function" : "program")} '{otherName}'.");
                        candidate.DuplicateOf = otherName;
                        break;
                    }
                }
            }

            if (drop is { } dropped)
            {
                candidate.Reason = dropped.Reason;
                candidate.Message = dropped.Message;
                candidate.Unload();
            }
            else
            {
                keptColumns.Add((votes, candidate.Name));
            }
        }
    }

    private (GateDropReason Reason, string Message)? Check(ProgramGateMetrics m, LabelingTask task, bool hasDev)
    {
        if (m.FaultRate > _options.MaxFaultRate)
        {
            return (GateDropReason.TooManyFaults, $"It faulted on {m.SampleFaults} of {m.SampleItems} sample items ({Percent(m.FaultRate)}), above the limit of {Percent(_options.MaxFaultRate)}. First fault: {m.FirstFault}");
        }

        if (m.SampleVotes == 0)
        {
            return (GateDropReason.AllAbstain, $"It abstained on all {m.SampleItems} sample items.");
        }

        if (m.SampleVotes == m.SampleItems && m.VotedClasses.Count == 1)
        {
            int label = m.VotedClasses[0];
            return (GateDropReason.Constant, $"It voted '{task.ClassNames[label]}' ({label}) on every one of the {m.SampleItems} sample items, so it carries no information.");
        }

        if (hasDev && m.DevCoverage < _options.MinDevCoverage)
        {
            return (GateDropReason.LowDevCoverage, $"It voted on {m.DevVotes} of {m.DevItems} dev items ({Percent(m.DevCoverage!.Value)}), below the floor of {Percent(_options.MinDevCoverage)}.");
        }

        if (hasDev && m.DevAccuracy < _options.MinDevAccuracy)
        {
            return (GateDropReason.LowDevAccuracy, $"It was right on {m.DevCorrect} of the {m.DevVotes} dev items it voted on ({Percent(m.DevAccuracy!.Value)}), below the floor of {Percent(_options.MinDevAccuracy)}.");
        }

        return null;
    }

    private static ProgramGateMetrics Measure<TItem>(sbyte[] votes, LabelingFunctionFaults faults, sbyte[]? devVotes, IReadOnlyList<LabeledExample<TItem>>? devSet)
    {
        var classes = new SortedSet<int>();
        int voted = 0;
        foreach (sbyte vote in votes)
        {
            if (vote >= 0)
            {
                voted++;
                classes.Add(vote);
            }
        }

        int? devVoted = null;
        int? devCorrect = null;
        if (devVotes is not null && devSet is not null)
        {
            devVoted = 0;
            devCorrect = 0;
            for (int i = 0; i < devVotes.Length; i++)
            {
                if (devVotes[i] >= 0)
                {
                    devVoted++;
                    if (devVotes[i] == devSet[i].Label)
                    {
                        devCorrect++;
                    }
                }
            }
        }

        return new ProgramGateMetrics
        {
            SampleItems = votes.Length,
            SampleVotes = voted,
            SampleFaults = faults.Total,
            FirstFault = faults.FirstError,
            VotedClasses = [.. classes],
            DevItems = devSet?.Count,
            DevVotes = devVoted,
            DevCorrect = devCorrect,
        };
    }

    private static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Gives a compiled function its program's name, so functions and label-matrix columns are named after their programs.</summary>
    private sealed class NamedFunction<TItem>(string name, ILabelingFunction<TItem> inner) : ILabelingFunction<TItem>
    {
        public string Name => name;

        public int Apply(TItem item) => inner.Apply(item);
    }
}
