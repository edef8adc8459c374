using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Options of the <see cref="LogisticRegressionEndModel{TItem}"/>: its hashed text features, its regularization and its optimizer.</summary>
/// <remarks>
/// The defaults were chosen by cross-validation on the dev splits of the YouTube, SMS and TREC datasets (never their test
/// splits); see docs/distillation.md. The options are read once, when the end model is created.
/// </remarks>
public sealed class LogisticRegressionEndModelOptions : IValidatableObject
{
    /// <summary>Gets or sets the number of bits of the feature hash: features are hashed into <c>2^HashBits</c> buckets.</summary>
    /// <value>The default is 20 (about a million buckets). Only the buckets seen in training get a weight, so a larger space costs little.</value>
    [Range(8, 24)]
    public int HashBits { get; set; } = 20;

    /// <summary>Gets or sets the shortest word n-gram; 0 with <see cref="WordNgramMax"/> 0 turns word features off.</summary>
    /// <value>The default is 1 (single words).</value>
    [Range(0, 4)]
    public int WordNgramMin { get; set; } = 1;

    /// <summary>Gets or sets the longest word n-gram.</summary>
    /// <value>The default is 2 (word pairs).</value>
    [Range(0, 4)]
    public int WordNgramMax { get; set; } = 2;

    /// <summary>Gets or sets the shortest character n-gram; 0 with <see cref="CharNgramMax"/> 0 turns character features off.</summary>
    /// <value>The default is 2.</value>
    [Range(0, 8)]
    public int CharNgramMin { get; set; } = 2;

    /// <summary>Gets or sets the longest character n-gram.</summary>
    /// <value>The default is 5.</value>
    [Range(0, 8)]
    public int CharNgramMax { get; set; } = 5;

    /// <summary>Gets or sets a value indicating whether term counts are dampened to <c>1 + ln(count)</c>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool SublinearTermFrequency { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether features are weighted by their smoothed inverse document frequency in the training items.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseInverseDocumentFrequency { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether every digit is read as <c>0</c> in character n-grams, so that numbers of the same shape share features.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool NormalizeDigits { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether word n-grams include a start-of-text marker, so that the first words of a text are features of their own (as in "the question starts with <c>how many</c>").</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool MarkTextStart { get; set; } = true;

    /// <summary>Gets or sets the strength of the L2 penalty: the objective is the weighted cross-entropy summed over items plus <c>L2 / 2 * ||W||^2</c> (intercepts are not penalized).</summary>
    /// <value>The default is 0.1. Larger values give smoother, more cautious models.</value>
    [Range(0.0, 1e6, MinimumIsExclusive = true)]
    public double L2 { get; set; } = 0.1;

    /// <summary>Gets or sets how the classes are weighted against each other.</summary>
    /// <value>The default is <see cref="EndModelClassWeighting.Balanced"/>.</value>
    [EnumDataType(typeof(EndModelClassWeighting))]
    public EndModelClassWeighting ClassWeighting { get; set; } = EndModelClassWeighting.Balanced;

    /// <summary>Gets or sets a value indicating whether the class weights are applied by shifting the trained intercepts by their logarithm (a prior-shift correction) instead of by weighting the training loss.</summary>
    /// <value>
    /// The default is <see langword="true"/>. A shift leaves every item its full weight, so many easy, weakly labeled items
    /// of one class do not dilute the few hard, gold-labeled ones of that class; weighting the loss does.
    /// </value>
    public bool ShiftIntercepts { get; set; } = true;

    /// <summary>Gets or sets the iteration cap of the L-BFGS optimizer.</summary>
    /// <value>The default is 300.</value>
    [Range(1, 100_000)]
    public int MaxIterations { get; set; } = 300;

    /// <summary>Gets or sets the convergence tolerance: training stops when the largest component of the gradient falls below this fraction of its initial value.</summary>
    /// <value>The default is 1e-3.</value>
    [Range(0.0, 1.0)]
    public double Tolerance { get; set; } = 1e-3;

    /// <summary>Gets or sets the number of correction pairs the L-BFGS optimizer remembers.</summary>
    /// <value>The default is 10.</value>
    [Range(1, 100)]
    public int HistorySize { get; set; } = 10;

    /// <summary>Gets or sets the scale of the embedding features relative to the hashed text features (each part has unit length before scaling), when an embedding generator is given.</summary>
    /// <value>The default is 1.</value>
    [Range(0.0, 1e6, MinimumIsExclusive = true)]
    public double EmbeddingScale { get; set; } = 1.0;

    /// <summary>Gets or sets a value indicating whether the hashed text features are kept beside the embeddings, when an embedding generator is given; <see langword="false"/> uses the embeddings alone.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool KeepHashedFeaturesWithEmbeddings { get; set; } = true;

    /// <summary>Gets or sets the number of texts sent to the embedding generator per call.</summary>
    /// <value>The default is 256.</value>
    [Range(1, 100_000)]
    public int EmbeddingBatchSize { get; set; } = 256;

    /// <summary>Gets or sets the maximum number of threads used to featurize and train; <see langword="null"/> for all cores. The model does not depend on it.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 1024)]
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>Copies the options, so a trained model keeps the values it was trained with.</summary>
    internal LogisticRegressionEndModelOptions Snapshot() => (LogisticRegressionEndModelOptions)MemberwiseClone();

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach ((int min, int max, int cap, string name) in new[] { (WordNgramMin, WordNgramMax, 4, "WordNgram"), (CharNgramMin, CharNgramMax, 8, "CharNgram") })
        {
            if (!(min == 0 && max == 0) && (min < 1 || max < min || max > cap))
            {
                yield return new ValidationResult(
                    $"The {name} range {min}..{max} of LogisticRegressionEndModelOptions is not valid; use 1 <= {name}Min <= {name}Max <= {cap}, or 0..0 to turn it off.",
                    [name + "Min", name + "Max"]);
            }
        }

        if (WordNgramMax == 0 && CharNgramMax == 0)
        {
            yield return new ValidationResult("LogisticRegressionEndModelOptions turns both word and character n-grams off; keep at least one kind of text feature.", [nameof(WordNgramMax), nameof(CharNgramMax)]);
        }
    }
}

/// <summary>Validates <see cref="LogisticRegressionEndModelOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class LogisticRegressionEndModelOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<LogisticRegressionEndModelOptions>;
