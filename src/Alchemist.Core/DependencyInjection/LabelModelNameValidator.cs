using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Checks that the options name a label model the catalog knows, so a misspelt name fails at start-up rather than at the first run.</summary>
#pragma warning disable CA1812 // Created by the container.
internal sealed class LabelModelNameValidator(LabelModelCatalog catalog) : IValidateOptions<AlchemistOptions>, IValidateOptions<LabelingPipelineOptions>
#pragma warning restore CA1812
{
    public ValidateOptionsResult Validate(string? name, AlchemistOptions options) => Check(nameof(AlchemistOptions), options.LabelModel);

    public ValidateOptionsResult Validate(string? name, LabelingPipelineOptions options) => Check(nameof(LabelingPipelineOptions), options.LabelModel);

    private ValidateOptionsResult Check(string type, string? labelModel) =>
        labelModel is null || catalog.Contains(labelModel)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{type}.LabelModel is '{labelModel}', which is not a known label model. Known label models: {string.Join(", ", catalog.Names)}.");
}
