using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Validates the data annotations of <see cref="AlchemistOptions"/>; generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class AlchemistOptionsValidator : IValidateOptions<AlchemistOptions>
{
}
