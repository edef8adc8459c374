namespace Alchemist;

/// <summary>Represents the options of a <see cref="LabelingFunctionApplier"/>.</summary>
public sealed class LabelingApplierOptions
{
    /// <summary>Gets or sets the largest number of threads used at once; <see langword="null"/> means one per core.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>Gets or sets how many items are read from a streamed input and labeled together.</summary>
    /// <value>The default is 8,192. Progress is reported and quarantine is decided once per chunk.</value>
    public int ChunkSize { get; set; } = 8_192;

    /// <summary>Gets or sets the fault rate above which a function is quarantined: it is no longer called and abstains on the remaining items.</summary>
    /// <value>The default is <see langword="null"/>: never quarantine. A value such as 0.5 protects long runs from a broken function.</value>
    /// <remarks>The rate is checked after each chunk, once at least <see cref="QuarantineMinimumItems"/> items were labeled, so the result does not depend on thread timing.</remarks>
    public double? QuarantineFaultRate { get; set; }

    /// <summary>Gets or sets the number of items a function must have seen before it can be quarantined.</summary>
    /// <value>The default is 100.</value>
    public int QuarantineMinimumItems { get; set; } = 100;

    internal void Validate()
    {
        if (MaxDegreeOfParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1, or null for one thread per core.");
        }

        if (ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "ChunkSize must be at least 1.");
        }

        if (QuarantineFaultRate is double rate && (double.IsNaN(rate) || rate < 0 || rate > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(QuarantineFaultRate), rate, "QuarantineFaultRate must be between 0 and 1, or null to never quarantine.");
        }

        if (QuarantineMinimumItems < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(QuarantineMinimumItems), QuarantineMinimumItems, "QuarantineMinimumItems must be at least 1.");
        }
    }
}
