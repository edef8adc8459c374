using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Represents the app-wide options of Alchemist's services, bound by <c>AddAlchemist</c> and validated at start-up.</summary>
/// <remarks>
/// They are the defaults the components' own options start from: <see cref="LabelModel"/> and <see cref="Seed"/> for
/// <see cref="LabelingPipelineOptions"/> (and the seed for <see cref="ChatSynthesizerOptions"/>),
/// <see cref="MaxDegreeOfParallelism"/> and <see cref="QuarantineFaultRate"/> for <see cref="LabelingApplierOptions"/>.
/// A value set through the builder's <c>Configure*</c> methods wins over them.
/// </remarks>
public sealed class AlchemistOptions
{
    /// <summary>Gets or sets the name of the label model that aggregates the votes; one of the <see cref="LabelModelCatalog"/>'s names, checked at start-up.</summary>
    /// <value>The default is <c>"auto"</c>: chosen on the seed (dev) labels by cross-validation, majority vote when there are none.</value>
    [Required]
    public string LabelModel { get; set; } = AutoLabelModel.ModelName;

    /// <summary>Gets or sets the largest number of threads labeling at once; <see langword="null"/> for one per core.</summary>
    /// <value>The default is <see langword="null"/>. Allowed: 1 to 1,024.</value>
    [Range(1, 1024)]
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>Gets or sets the fault rate above which a labeling function is quarantined during application.</summary>
    /// <value>The default is 0.5: a function that fails on more than half of the items stops being called. Allowed: 0 to 1.</value>
    [Range(0.0, 1.0)]
    public double QuarantineFaultRate { get; set; } = 0.5;

    /// <summary>Gets or sets a value indicating whether the pipeline asks the offline synthesizer, which mines programs from the seed labels with no LLM.</summary>
    /// <value>The default is <see langword="true"/>. The chat synthesizer joins whenever a chat client is registered.</value>
    public bool UseOfflineSynthesizer { get; set; } = true;

    /// <summary>Gets or sets the seed of every random choice (tie-breaks, sampling), so that runs are reproducible.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }
}

/// <summary>Validates <see cref="AlchemistOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class AlchemistOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<AlchemistOptions>;
