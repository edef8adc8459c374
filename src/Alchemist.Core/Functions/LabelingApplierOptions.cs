using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Represents the options of a <see cref="LabelingFunctionApplier"/>.</summary>
public sealed class LabelingApplierOptions
{
    /// <summary>Gets or sets the largest number of threads used at once; <see langword="null"/> means one per core.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 1024)]
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>Gets or sets how many items are read from a streamed input and labeled together.</summary>
    /// <value>The default is 8,192. Progress is reported and quarantine is decided once per chunk.</value>
    [Range(1, 1 << 24)]
    public int ChunkSize { get; set; } = 8_192;

    /// <summary>Gets or sets the fault rate above which a function is quarantined: it is no longer called and abstains on the remaining items.</summary>
    /// <value>The default is <see langword="null"/>: never quarantine. A value such as 0.5 protects long runs from a broken function.</value>
    /// <remarks>The rate is checked after each chunk, once at least <see cref="QuarantineMinimumItems"/> items were labeled, so the result does not depend on thread timing.</remarks>
    [Range(0.0, 1.0)]
    public double? QuarantineFaultRate { get; set; }

    /// <summary>Gets or sets the number of items a function must have seen before it can be quarantined.</summary>
    /// <value>The default is 100.</value>
    [Range(1, int.MaxValue)]
    public int QuarantineMinimumItems { get; set; } = 100;
}

/// <summary>Validates <see cref="LabelingApplierOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class LabelingApplierOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<LabelingApplierOptions>;
