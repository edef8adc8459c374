using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Represents the options of Alchemist's services, bound by <c>AddAlchemist</c> and validated at start-up.</summary>
public sealed class AlchemistOptions
{
    /// <summary>Gets or sets the name of the label model that aggregates the votes; one of the <see cref="LabelModelCatalog"/>'s names.</summary>
    /// <value>The default is <c>"auto"</c>: chosen on the seed (dev) labels by cross-validation, majority vote when there are none.</value>
    [Required]
    public string LabelModel { get; set; } = AutoLabelModel.ModelName;

    /// <summary>Gets or sets the largest number of threads labeling at once; <see langword="null"/> for one per core.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 1024)]
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>Gets or sets the fault rate above which a labeling function is quarantined during application.</summary>
    /// <value>The default is 0.5: a function that fails on more than half of the items stops being called.</value>
    [Range(0.0, 1.0)]
    public double QuarantineFaultRate { get; set; } = 0.5;

    /// <summary>Gets or sets a value indicating whether the pipeline asks the offline synthesizer, which mines programs from the seed labels with no LLM.</summary>
    /// <value>The default is <see langword="true"/>. The chat synthesizer joins whenever a chat client is registered.</value>
    public bool UseOfflineSynthesizer { get; set; } = true;

    /// <summary>Gets or sets the seed of every random choice (tie-breaks, sampling), so that runs are reproducible.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }
}
