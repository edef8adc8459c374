using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Represents the options of a <see cref="ChatProgramSynthesizer"/>: concurrency, repairs, sampling, prompt content and model prices.</summary>
/// <remarks>
/// Bound and validated at start-up by <c>AddAlchemist</c> (see <c>AlchemistBuilder.ConfigureSynthesis</c>); a synthesizer
/// created with <see langword="new"/> validates them in its constructor, and reads them as it works.
/// </remarks>
public sealed class ChatSynthesizerOptions : IValidatableObject
{
    /// <summary>Gets or sets the largest number of program slots in flight at once (a slot is a program's call, validation and repairs).</summary>
    /// <value>The default is 4. Allowed: 1 to 64.</value>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets the largest number of times a program that fails validation is sent back to the model with the problems.</summary>
    /// <value>The default is 2. Allowed: 0 to 10.</value>
    [Range(0, 10)]
    public int MaxRepairs { get; set; } = 2;

    /// <summary>Gets the sampling temperatures, used in turn by the program slots (slot <c>i</c> uses <c>Temperatures[i % Count]</c>) for diversity; empty to leave the temperature to the model.</summary>
    /// <value>The default is 0.2, 0.5, 0.8 and 1.0. Each must be between 0 and 2.</value>
    /// <remarks>Configuration binding adds to a list; to replace the defaults from configuration, clear the list in code first.</remarks>
    public IList<float> Temperatures { get; } = [0.2f, 0.5f, 0.8f, 1.0f];

    /// <summary>Gets or sets the number of labeled examples shown in each prompt; each slot sees a different subset, balanced over the classes.</summary>
    /// <value>The default is 12. Allowed: 0 to 200.</value>
    [Range(0, 200)]
    public int ExamplesPerPrompt { get; set; } = 12;

    /// <summary>Gets or sets the largest number of characters of an item shown in a prompt; longer items are cut with an ellipsis.</summary>
    /// <value>The default is 400. Allowed: 20 to 100,000.</value>
    [Range(20, 100_000)]
    public int MaxItemCharacters { get; set; } = 400;

    /// <summary>Gets or sets a value indicating whether the synthesizer first asks the model for background knowledge (class descriptions, keywords, rules) when the request gives none.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool GeneratePriorKnowledge { get; set; }

    /// <summary>Gets or sets a value indicating whether, when the request carries concept scores (a run with an embedding generator), the synthesizer first asks the model to list concepts per class and then asks every slot for a concept program over them.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    /// <remarks>
    /// The concept stage's call lists up to <see cref="ConceptsPerClass"/> short phrases per class; the synthesizer embeds them,
    /// measures each one's mean similarity on the seed items of each class, and shows both to the slots, which are asked for
    /// <c>public static int Label(T item, Concepts concepts)</c>. When the call fails or its reply lists no usable concept,
    /// the slots write plain programs, as without concept scores, and the request's log says why. Without concept scores
    /// this option changes nothing. See docs/synthesis.md.
    /// </remarks>
    public bool GenerateConcepts { get; set; } = true;

    /// <summary>Gets or sets the largest number of concepts the concept stage keeps per class (see <see cref="GenerateConcepts"/>).</summary>
    /// <value>The default is 6. Allowed: 1 to 32.</value>
    [Range(1, 32)]
    public int ConceptsPerClass { get; set; } = 6;

    /// <summary>Gets or sets the model id to request (<see cref="Microsoft.Extensions.AI.ChatOptions.ModelId"/>); <see langword="null"/> for the client's default.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the largest number of output tokens per reply; <see langword="null"/> for the model's default.</summary>
    /// <value>The default is <see langword="null"/>. When set: at least 64.</value>
    [Range(64, 10_000_000)]
    public int? MaxOutputTokens { get; set; }

    /// <summary>Gets or sets the seed of the choice of examples shown to each slot, so that prompts are reproducible.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the deadline of a whole synthesis request, from its start; <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>. When set: more than zero and at most one day.</value>
    /// <remarks>
    /// When it passes, the calls in flight are cancelled and the slots not started are not started; each is recorded in
    /// the request's log as <see cref="SynthesisOutcome.CallFailed"/> with the reason, and the programs already emitted
    /// are kept: the enumeration ends normally. It is measured on the synthesizer's <see cref="TimeProvider"/>.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "1.00:00:00")]
    public TimeSpan? Deadline { get; set; }

    /// <summary>Gets the price of each model, keyed by model id, for the cost ledger and provenance.</summary>
    /// <value>The default is none: calls are recorded with their tokens and no cost.</value>
    /// <remarks>See <see cref="CostLedger"/> for how model ids are matched.</remarks>
    public IDictionary<string, ModelPrice> Prices { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        for (int i = 0; i < Temperatures.Count; i++)
        {
            if (float.IsNaN(Temperatures[i]) || Temperatures[i] < 0 || Temperatures[i] > 2)
            {
                yield return new ValidationResult($"ChatSynthesizerOptions.Temperatures[{i}] is {Temperatures[i]}; every temperature must be between 0 and 2.", [nameof(Temperatures)]);
            }
        }

        if (ModelId is not null && string.IsNullOrWhiteSpace(ModelId))
        {
            yield return new ValidationResult("ChatSynthesizerOptions.ModelId is blank; give a model id, or null for the client's default.", [nameof(ModelId)]);
        }

        foreach ((string model, ModelPrice? price) in Prices.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                yield return new ValidationResult("ChatSynthesizerOptions.Prices has a blank model id; key every price by the model id the provider reports.", [nameof(Prices)]);
            }
            else if (price is null)
            {
                yield return new ValidationResult($"ChatSynthesizerOptions.Prices['{model}'] is null; give its input and output prices per million tokens.", [nameof(Prices)]);
            }
            else if (price.InputUsdPerMillionTokens < 0 || price.OutputUsdPerMillionTokens < 0)
            {
                yield return new ValidationResult($"ChatSynthesizerOptions.Prices['{model}'] has a negative price; prices per million tokens must be 0 or more.", [nameof(Prices)]);
            }
        }
    }
}

/// <summary>Validates <see cref="ChatSynthesizerOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class ChatSynthesizerOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ChatSynthesizerOptions>;
