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
    /// <param name="options">The thresholds; the defaults when <see langword="null"/>. A copy is taken.</param>
    /// <param name="applier">Runs the programs; a new one with one thread per core and no quarantine when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not valid; the message lists every problem.</exception>
    public ProgramGate(ProgramCompiler? compiler = null, ProgramGateOptions? options = null, LabelingFunctionApplier? applier = null)
        : this(new SandboxGateCompiler(compiler ?? new ProgramCompiler()), options, applier)
    {
    }

    internal ProgramGate(GateCompiler compiler, ProgramGateOptions? options, LabelingFunctionApplier? applier)
    {
        _compiler = compiler;
        _options = (options ?? new ProgramGateOptions()).Clone();
        IReadOnlyList<string> problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _applier = applier ?? new LabelingFunctionApplier();
    }

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

        var dropped = new List<DroppedProgram>();
        var compiled = new List<(LabelingProgram Program, ILabelingFunction<TItem> Function, IDisposable? Owner)>();
        var kept = new List<KeptProgram<TItem>>();
        try
        {
            Compile(ordered, compiled, dropped, cancellationToken);
            if (compiled.Count > 0)
            {
                Decide(task, sample, devSet is { Count: > 0 } ? devSet : null, compiled, kept, dropped, cancellationToken);
            }
        }
        catch
        {
            foreach ((_, _, IDisposable? owner) in compiled)
            {
                owner?.Dispose();
            }

            throw;
        }

        // Drops keep the decision order: by name, then hash.
        DroppedProgram[] droppedInOrder = [.. dropped.OrderBy(d => Array.IndexOf(ordered, d.Program))];
        return new ProgramGateResult<TItem>(kept, droppedInOrder);
    }

    private void Compile<TItem>(
        LabelingProgram[] ordered,
        List<(LabelingProgram Program, ILabelingFunction<TItem> Function, IDisposable? Owner)> compiled,
        List<DroppedProgram> dropped,
        CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (LabelingProgram program in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!names.Add(program.Name))
            {
                dropped.Add(new DroppedProgram(program, GateDropReason.DuplicateName, $"Another program of this batch is already named '{program.Name}'; program names must be distinct."));
                continue;
            }

            GateCompilation<TItem> compilation = _compiler.Compile<TItem>(program, cancellationToken);
            if (compilation.Function is null)
            {
                GateDropReason reason = compilation.Rejection ?? GateDropReason.CompileFailed;
                string first = compilation.Problems.Count > 0 ? compilation.Problems[0] : "no message";
                string more = compilation.Problems.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {compilation.Problems.Count - 1} more)") : string.Empty;
                string message = reason == GateDropReason.SandboxRejected
                    ? $"The sandbox rejected it: {first}{more}."
                    : $"It does not compile: {first}{more}.";
                dropped.Add(new DroppedProgram(program, reason, message) { Problems = compilation.Problems });
                continue;
            }

            compiled.Add((program, compilation.Function, compilation.Owner));
        }
    }

    private void Decide<TItem>(
        LabelingTask task,
        IReadOnlyList<TItem> sample,
        IReadOnlyList<LabeledExample<TItem>>? devSet,
        List<(LabelingProgram Program, ILabelingFunction<TItem> Function, IDisposable? Owner)> compiled,
        List<KeptProgram<TItem>> kept,
        List<DroppedProgram> dropped,
        CancellationToken cancellationToken)
    {
        ILabelingFunction<TItem>[] functions =
        [
            .. compiled.Select(c => string.Equals(c.Function.Name, c.Program.Name, StringComparison.Ordinal)
                ? c.Function
                : new NamedFunction<TItem>(c.Program.Name, c.Function)),
        ];
        LabelingResult sampleRun = _applier.Apply(sample, functions, task.ClassCount, cancellationToken: cancellationToken);
        LabelingResult? devRun = devSet is null ? null : _applier.Apply(devSet.Select(e => e.Item).ToArray(), functions, task.ClassCount, cancellationToken: cancellationToken);
        var keptColumns = new List<(sbyte[] Votes, string Name)>();

        for (int j = 0; j < compiled.Count; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (LabelingProgram program, _, IDisposable? owner) = compiled[j];
            ILabelingFunction<TItem> function = functions[j];
            sbyte[] votes = sampleRun.Matrix.GetColumn(j);
            ProgramGateMetrics metrics = Measure(votes, sampleRun.Faults[j], devRun?.Matrix.GetColumn(j), devSet);
            DroppedProgram? drop = Check(program, metrics, task, devSet is not null);
            if (drop is null)
            {
                foreach ((sbyte[] other, string otherName) in keptColumns)
                {
                    if (votes.AsSpan().SequenceEqual(other))
                    {
                        drop = new DroppedProgram(program, GateDropReason.Duplicate, $"Its votes on the {metrics.SampleItems} sample items are identical to those of the kept program '{otherName}'.")
                        {
                            Metrics = metrics,
                            DuplicateOf = otherName,
                        };
                        break;
                    }
                }
            }

            if (drop is null)
            {
                keptColumns.Add((votes, program.Name));
                kept.Add(new KeptProgram<TItem>(program, function, metrics, owner));
            }
            else
            {
                // Unload at once, and forget the owner so that a later cancellation does not unload it twice.
                compiled[j] = (program, compiled[j].Function, null);
                owner?.Dispose();
                dropped.Add(drop);
            }
        }
    }

    private DroppedProgram? Check(LabelingProgram program, ProgramGateMetrics m, LabelingTask task, bool hasDev)
    {
        if (m.FaultRate > _options.MaxFaultRate)
        {
            return Drop(GateDropReason.TooManyFaults, $"It faulted on {m.SampleFaults} of {m.SampleItems} sample items ({Percent(m.FaultRate)}), above the limit of {Percent(_options.MaxFaultRate)}. First fault: {m.FirstFault}");
        }

        if (m.SampleVotes == 0)
        {
            return Drop(GateDropReason.AllAbstain, $"It abstained on all {m.SampleItems} sample items.");
        }

        if (m.SampleVotes == m.SampleItems && m.VotedClasses.Count == 1)
        {
            int label = m.VotedClasses[0];
            return Drop(GateDropReason.Constant, $"It voted '{task.ClassNames[label]}' ({label}) on every one of the {m.SampleItems} sample items, so it carries no information.");
        }

        if (hasDev && m.DevCoverage < _options.MinDevCoverage)
        {
            return Drop(GateDropReason.LowDevCoverage, $"It voted on {m.DevVotes} of {m.DevItems} dev items ({Percent(m.DevCoverage!.Value)}), below the floor of {Percent(_options.MinDevCoverage)}.");
        }

        if (hasDev && m.DevAccuracy < _options.MinDevAccuracy)
        {
            return Drop(GateDropReason.LowDevAccuracy, $"It was right on {m.DevCorrect} of the {m.DevVotes} dev items it voted on ({Percent(m.DevAccuracy!.Value)}), below the floor of {Percent(_options.MinDevAccuracy)}.");
        }

        return null;

        DroppedProgram Drop(GateDropReason reason, string message) => new(program, reason, message) { Metrics = m };
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
