using Microsoft.Extensions.Options;

namespace Alchemist;

/// <summary>Runs an options type's generated validator for a component created with <see langword="new"/>, as dependency injection does at start-up.</summary>
internal static class OptionsValidation
{
    /// <summary>Returns the options when they are valid.</summary>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static TOptions ThrowIfInvalid<TOptions>(IValidateOptions<TOptions> validator, TOptions options, string paramName)
        where TOptions : class
    {
        ValidateOptionsResult result = validator.Validate(null, options);
        return result.Failed
            ? throw new ArgumentException($"The {typeof(TOptions).Name} are not valid: {string.Join(" ", result.Failures.Select(Sentence))}", paramName)
            : options;
    }

    private static string Sentence(string failure) => failure.EndsWith('.') ? failure : failure + ".";
}
