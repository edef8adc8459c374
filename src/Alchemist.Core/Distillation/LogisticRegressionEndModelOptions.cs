namespace Alchemist;

/// <summary>Options of the <see cref="LogisticRegressionEndModel{TItem}"/>: its hashed text features, its regularization and its optimizer.</summary>
/// <remarks>
/// The defaults were chosen by cross-validation on the dev splits of the YouTube, SMS and TREC datasets (never their test
/// splits); see docs/distillation.md. The options are read once, when the end model is created.
/// </remarks>
public sealed class LogisticRegressionEndModelOptions
{
    /// <summary>Gets or sets the number of bits of the feature hash: features are hashed into <c>2^HashBits</c> buckets.</summary>
    /// <value>The default is 20 (about a million buckets). Only the buckets seen in training get a weight, so a larger space costs little.</value>
    public int HashBits { get; set; } = 20;

    /// <summary>Gets or sets the shortest word n-gram; 0 with <see cref="WordNgramMax"/> 0 turns word features off.</summary>
    /// <value>The default is 1 (single words).</value>
    public int WordNgramMin { get; set; } = 1;

    /// <summary>Gets or sets the longest word n-gram.</summary>
    /// <value>The default is 2 (word pairs).</value>
    public int WordNgramMax { get; set; } = 2;

    /// <summary>Gets or sets the shortest character n-gram; 0 with <see cref="CharNgramMax"/> 0 turns character features off.</summary>
    /// <value>The default is 2.</value>
    public int CharNgramMin { get; set; } = 2;

    /// <summary>Gets or sets the longest character n-gram.</summary>
    /// <value>The default is 5.</value>
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
    public double L2 { get; set; } = 0.1;

    /// <summary>Gets or sets how the classes are weighted against each other.</summary>
    /// <value>The default is <see cref="EndModelClassWeighting.Balanced"/>.</value>
    public EndModelClassWeighting ClassWeighting { get; set; } = EndModelClassWeighting.Balanced;

    /// <summary>Gets or sets a value indicating whether the class weights are applied by shifting the trained intercepts by their logarithm (a prior-shift correction) instead of by weighting the training loss.</summary>
    /// <value>
    /// The default is <see langword="true"/>. A shift leaves every item its full weight, so many easy, weakly labeled items
    /// of one class do not dilute the few hard, gold-labeled ones of that class; weighting the loss does.
    /// </value>
    public bool ShiftIntercepts { get; set; } = true;

    /// <summary>Gets or sets the iteration cap of the L-BFGS optimizer.</summary>
    /// <value>The default is 300.</value>
    public int MaxIterations { get; set; } = 300;

    /// <summary>Gets or sets the convergence tolerance: training stops when the largest component of the gradient falls below this fraction of its initial value.</summary>
    /// <value>The default is 1e-3.</value>
    public double Tolerance { get; set; } = 1e-3;

    /// <summary>Gets or sets the number of correction pairs the L-BFGS optimizer remembers.</summary>
    /// <value>The default is 10.</value>
    public int HistorySize { get; set; } = 10;

    /// <summary>Gets or sets the scale of the embedding features relative to the hashed text features (each part has unit length before scaling), when an embedding generator is given.</summary>
    /// <value>The default is 1.</value>
    public double EmbeddingScale { get; set; } = 1.0;

    /// <summary>Gets or sets a value indicating whether the hashed text features are kept beside the embeddings, when an embedding generator is given; <see langword="false"/> uses the embeddings alone.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool KeepHashedFeaturesWithEmbeddings { get; set; } = true;

    /// <summary>Gets or sets the number of texts sent to the embedding generator per call.</summary>
    /// <value>The default is 256.</value>
    public int EmbeddingBatchSize { get; set; } = 256;

    /// <summary>Gets or sets the maximum number of threads used to featurize and train; <see langword="null"/> for all cores. The model does not depend on it.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? MaxDegreeOfParallelism { get; set; }

    internal LogisticRegressionEndModelOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HashBits, 8, nameof(HashBits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HashBits, 24, nameof(HashBits));
        CheckRange(WordNgramMin, WordNgramMax, 4, "WordNgram");
        CheckRange(CharNgramMin, CharNgramMax, 8, "CharNgram");
        if (WordNgramMax == 0 && CharNgramMax == 0)
        {
            throw new ArgumentException("Both word and character n-grams are turned off; keep at least one kind of text feature.");
        }

        if (!(L2 > 0 && double.IsFinite(L2)))
        {
            throw new ArgumentOutOfRangeException(nameof(L2), L2, "The L2 penalty must be positive and finite.");
        }

        if (!Enum.IsDefined(ClassWeighting))
        {
            throw new ArgumentOutOfRangeException(nameof(ClassWeighting), ClassWeighting, "Unknown class weighting.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(HistorySize, 1, nameof(HistorySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingBatchSize, 1, nameof(EmbeddingBatchSize));
        if (!(Tolerance >= 0 && double.IsFinite(Tolerance)))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "The tolerance must be non-negative and finite.");
        }

        if (!(EmbeddingScale > 0 && double.IsFinite(EmbeddingScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(EmbeddingScale), EmbeddingScale, "The embedding scale must be positive and finite.");
        }

        if (MaxDegreeOfParallelism is int degree)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1, nameof(MaxDegreeOfParallelism));
        }

        return (LogisticRegressionEndModelOptions)MemberwiseClone();
    }

    private static void CheckRange(int min, int max, int cap, string name)
    {
        if (min == 0 && max == 0)
        {
            return;
        }

        if (min < 1 || max < min || max > cap)
        {
            throw new ArgumentOutOfRangeException(name + "Min", $"The {name} range {min}..{max} is invalid; use 1 <= min <= max <= {cap}, or 0..0 to turn it off.");
        }
    }
}
