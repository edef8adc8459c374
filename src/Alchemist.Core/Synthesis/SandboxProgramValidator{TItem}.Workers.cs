using System.Globalization;

namespace Alchemist;

/// <content>Validation in sandbox worker processes: the candidate is compiled and run there, a batch of sample items at a time.</content>
public sealed partial class SandboxProgramValidator<TItem>
{
    /// <summary>The sample items a worker labels per round trip; the run stops after the batch in which the faults pass the limit.</summary>
    private const int WorkerBatchSize = WorkerPool<TItem>.MinSliceItems;

    /// <summary>The most faults a batch describes: enough to find where the faults passed the limit, as the in-process run stops there.</summary>
    private const int MaxFaultDetails = 1024;

    private readonly WorkerProgramHost? _workers;

    private SandboxProgramValidator(WorkerProgramHost workers, IEnumerable<TItem> sample, int classCount, double maxFaultRate)
        : this(new ProgramCompiler(workers.Options.Sandbox), sample, classCount, maxFaultRate)
    {
        _workers = workers;
    }

    /// <summary>Creates a validator that compiles and runs candidates in a run's sandbox worker processes.</summary>
    /// <param name="workers">The run's worker host.</param>
    /// <param name="sample">The items each candidate runs on; copied.</param>
    /// <param name="classCount">The number of classes, <c>K</c>.</param>
    /// <param name="maxFaultRate">The largest fraction of the sample a program may fault on and pass.</param>
    internal static SandboxProgramValidator<TItem> InWorkers(WorkerProgramHost workers, IEnumerable<TItem> sample, int classCount, double maxFaultRate = 0.05) =>
        new(workers, sample, classCount, maxFaultRate);

    /// <summary>
    /// Validates in workers with the same outcome and messages as in this process: the faults are walked in item order
    /// (the worker describes each thrown call up to the limit; invalid votes are seen here) and the run stops at the
    /// fault that passes the limit. Fault messages are shortened as the applier shortens them.
    /// </summary>
    private ProgramValidation ValidateInWorkers(WorkerProgramHost workers, LabelingProgram program, CancellationToken cancellationToken)
    {
        using WorkerCompilation<TItem> compilation = workers.Compile<TItem>(program, cancellationToken);
        if (compilation.Function is not { } function)
        {
            string[] rejected = [.. compilation.Diagnostics.Select(d => d.ToString())];
            return rejected.Length == 0 ? ProgramValidation.Invalid("The sandbox rejected the program without a diagnostic.") : ProgramValidation.Invalid(rejected);
        }

        int allowed = (int)Math.Floor((_maxFaultRate * _sample.Length) + 1e-9);
        int details = Math.Min(allowed + 1, MaxFaultDetails);
        int faults = 0;
        int ran = 0;
        var shown = new List<string>(FaultsShown);
        for (int start = 0; start < _sample.Length && faults <= allowed; start += WorkerBatchSize)
        {
            int count = Math.Min(WorkerBatchSize, _sample.Length - start);
            BatchVotes votes = function.Batcher.LabelBatch(_sample, start, count, start, [function], details, cancellationToken)[0];
            if (votes.QuarantineReason is { } reason)
            {
                return ProgramValidation.Invalid(
                    $"The program was stopped while it labeled sample items {start} to {start + count - 1}: {reason} Handle every input quickly, within the step and memory budget.");
            }

            int next = 0;
            for (int i = 0; i < count && faults <= allowed; i++)
            {
                ran++;
                string? fault = null;
                if (next < votes.Faults.Count && votes.Faults[next].Index == i)
                {
                    FaultDetail thrown = votes.Faults[next++];
                    fault = $"{thrown.TypeName}: {thrown.Message}";
                }
                else if (votes.Votes[i] < Label.Abstain || votes.Votes[i] >= _classCount)
                {
                    fault = string.Create(CultureInfo.InvariantCulture, $"it returned {votes.Votes[i]}, which is neither a class index (0 to {_classCount - 1}) nor -1");
                }

                if (fault is not null)
                {
                    faults++;
                    if (shown.Count < FaultsShown)
                    {
                        shown.Add(string.Create(CultureInfo.InvariantCulture, $"On sample item {start + i} ({Describe(_sample[start + i])}): {fault}"));
                    }
                }
            }
        }

        return Verdict(faults, allowed, ran, shown);
    }
}
