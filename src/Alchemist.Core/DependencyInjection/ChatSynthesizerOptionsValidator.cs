using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Validates <see cref="ChatSynthesizerOptions"/> at start-up with the same messages as the synthesizer's constructor.</summary>
#pragma warning disable CA1812 // Created by the container.
internal sealed class ChatSynthesizerOptionsValidator : IValidateOptions<ChatSynthesizerOptions>
#pragma warning restore CA1812
{
    public ValidateOptionsResult Validate(string? name, ChatSynthesizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
