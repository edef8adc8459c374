using System.Globalization;

namespace Alchemist;

/// <content>Validation of programs that run in sandbox worker processes, a batch of sample items at a time.</content>
internal sealed partial class SandboxProgramValidator<TItem>
{
    /// <summary>The sample items a worker labels per round trip; the run stops after the batch in which the faults pass the limit.</summary>
    private const int WorkerBatchSize = WorkerPool<TItem>.MinSliceItems;

    /// <summary>The most faults a batch describes: enough to find where the faults passed the limit, as the in-process run stops there.</summary>
    private const int MaxFaultDetails = 1024;

    /// <summary>
    /// Validates a program that runs in sandbox worker processes, with the same outcome and messages as in this
    /// process, a batch of sample items per round trip: the faults are walked in item order (the worker describes each
    /// thrown call up to the limit; invalid votes are seen here) and the run stops at the fault that passes the limit.
    /// </summary>
    private ProgramValidation RunInBatches(IBatchLabelingFunction<TItem> function, CancellationToken cancellationToken)
    {
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
