using System.Globalization;
using System.Text;

namespace Alchemist;

/// <summary>An <see cref="IProgramValidator"/> that compiles a candidate in the sandbox and runs it on a sample, so that programs that do not compile, break a sandbox rule or fault too often go back for repair.</summary>
/// <typeparam name="TItem">The type of item.</typeparam>
/// <remarks>
/// <para>
/// A program passes when it compiles, passes the sandbox's checks, and faults (throws, overruns its budget or
/// returns a value outside <c>-1..K-1</c>) on at most the given fraction of the sample. Otherwise the problems are the
/// sandbox's diagnostics (<c>line L, column C: [rule] message</c>), or the fault count with the first few faults and
/// the items that caused them, which is what the model needs to repair its program. The run stops as soon as the
/// faults pass the limit, so a runaway program costs at most that many step budgets.
/// </para>
/// <para>
/// In a run, programs are compiled through the run's cache, so a program validated here is not compiled again by the
/// gate; on its own (over a <see cref="ProgramCompiler"/>), each validation compiles, runs and unloads the program.
/// Thread-safe.
/// </para>
/// </remarks>
internal sealed partial class SandboxProgramValidator<TItem> : IProgramValidator
{
    private const int FaultsShown = 3;
    private const int ItemCharactersShown = 120;
    private readonly GateCompiler _compiler;
    private readonly TItem[] _sample;
    private readonly int _classCount;
    private readonly double _maxFaultRate;

    /// <summary>Initializes a new instance of the <see cref="SandboxProgramValidator{TItem}"/> class.</summary>
    /// <param name="compiler">Compiles programs in the sandbox: a run's cache, or a compiler of its own.</param>
    /// <param name="sample">The items each candidate runs on; copied.</param>
    /// <param name="classCount">The number of classes, <c>K</c>; a vote outside <c>-1..K-1</c> is a fault.</param>
    /// <param name="maxFaultRate">The largest fraction of the sample a program may fault on and pass.</param>
    /// <exception cref="ArgumentNullException"><paramref name="compiler"/> or <paramref name="sample"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is outside 2..127, or <paramref name="maxFaultRate"/> is outside 0..1.</exception>
    public SandboxProgramValidator(GateCompiler compiler, IEnumerable<TItem> sample, int classCount, double maxFaultRate = 0.05)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, Label.MaxClassCount);
        if (double.IsNaN(maxFaultRate) || maxFaultRate < 0 || maxFaultRate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFaultRate), maxFaultRate, "The fault rate must be between 0 and 1.");
        }

        _compiler = compiler;
        _sample = [.. sample];
        _classCount = classCount;
        _maxFaultRate = maxFaultRate;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is <see langword="null"/>.</exception>
    public ValueTask<ProgramValidation> ValidateAsync(LabelingProgram program, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        cancellationToken.ThrowIfCancellationRequested();
        GateCompilation<TItem> compilation = _compiler.Compile<TItem>(program, cancellationToken);
        using (compilation.Owner)
        {
            if (compilation.Function is not { } function)
            {
                return ValueTask.FromResult(compilation.Problems.Count == 0
                    ? ProgramValidation.Invalid("The sandbox rejected the program without a diagnostic.")
                    : ProgramValidation.Invalid([.. compilation.Problems]));
            }

            return ValueTask.FromResult(function is IBatchLabelingFunction<TItem> batch ? RunInBatches(batch, cancellationToken) : Run(function, cancellationToken));
        }
    }

    private ProgramValidation Run(ILabelingFunction<TItem> function, CancellationToken cancellationToken)
    {
        // Stop as soon as the program is past the limit: a runaway loop costs a whole step budget per item.
        int allowed = (int)Math.Floor((_maxFaultRate * _sample.Length) + 1e-9); // 0.29 * 100 is 28.999999999999996
        int faults = 0;
        int ran = 0;
        var shown = new List<string>(FaultsShown);
        for (int i = 0; i < _sample.Length && faults <= allowed; i++)
        {
            if ((i & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ran++;
            string? fault;
            try
            {
                int vote = function.Apply(_sample[i]);
                fault = vote >= Label.Abstain && vote < _classCount
                    ? null
                    : string.Create(CultureInfo.InvariantCulture, $"it returned {vote}, which is neither a class index (0 to {_classCount - 1}) nor -1");
            }
#pragma warning disable CA1031 // A labeling program may throw anything; each exception is a fault to report, not to propagate.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                fault = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (fault is not null)
            {
                faults++;
                if (shown.Count < FaultsShown)
                {
                    shown.Add(string.Create(CultureInfo.InvariantCulture, $"On sample item {i} ({Describe(_sample[i])}): {fault}"));
                }
            }
        }

        return Verdict(faults, allowed, ran, shown);
    }

    private ProgramValidation Verdict(int faults, int allowed, int ran, List<string> shown)
    {
        if (faults <= allowed)
        {
            return ProgramValidation.Valid;
        }

        string extent = ran == _sample.Length
            ? string.Create(CultureInfo.InvariantCulture, $"{faults} of {_sample.Length} sample items")
            : string.Create(CultureInfo.InvariantCulture, $"{faults} of the first {ran} of {_sample.Length} sample items, and was stopped there");
        var problems = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"The program faulted on {extent}; at most {allowed} faults ({_maxFaultRate * 100:0.0}%) are allowed. Handle every input without throwing, stay within the step budget, and return a class index or -1."),
        };
        problems.AddRange(shown);
        return new ProgramValidation(false, problems);
    }

    private static string Describe(TItem item)
    {
        string text = item switch
        {
            null => "null",
            string s => "\"" + s.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal) + "\"",
            _ => item.ToString() ?? string.Empty,
        };
        return text.Length <= ItemCharactersShown ? text : new StringBuilder(text, 0, ItemCharactersShown - 1, ItemCharactersShown).Append('…').ToString();
    }
}
