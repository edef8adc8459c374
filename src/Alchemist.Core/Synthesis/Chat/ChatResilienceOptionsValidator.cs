using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Validates the data annotations of <see cref="ChatResilienceOptions"/> (and its cross-field rule); generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class ChatResilienceOptionsValidator : IValidateOptions<ChatResilienceOptions>
{
}
