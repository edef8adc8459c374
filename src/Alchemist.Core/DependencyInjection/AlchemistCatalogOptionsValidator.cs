using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Checks that the options name a label model the catalog knows.</summary>
#pragma warning disable CA1812 // Created by the container.
internal sealed class AlchemistCatalogOptionsValidator(LabelModelCatalog catalog) : IValidateOptions<AlchemistOptions>
#pragma warning restore CA1812
{
    public ValidateOptionsResult Validate(string? name, AlchemistOptions options) =>
        options.LabelModel is null || catalog.Contains(options.LabelModel)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"AlchemistOptions.LabelModel is '{options.LabelModel}', which is not a known label model. Known label models: {string.Join(", ", catalog.Names)}.");
}
