using System.ComponentModel.DataAnnotations;

namespace Alchemist;

/// <summary>Options of the <see cref="OfflineProgramSynthesizer"/>: what it mines, how sure it must be, and how the item's text is read.</summary>
/// <remarks>The defaults were chosen by cross-validation on dev splits (see docs/offline-synthesizer.md). They are read once, when the synthesizer is created.</remarks>
public sealed class OfflineSynthesizerOptions : IValidatableObject
{
    /// <summary>Gets or sets the public property or field of the item type that holds its text, when the item is not a <see cref="string"/>; the emitted programs read <c>item.&lt;TextMember&gt;</c>.</summary>
    /// <value>The default is <see langword="null"/>: the item is the text.</value>
    public string? TextMember { get; set; }

    /// <summary>Gets or sets the minimum number of labeled examples a heuristic must hold on.</summary>
    /// <value>The default is 3.</value>
    [Range(1, 1_000_000)]
    public int MinimumSupport { get; set; } = 3;

    /// <summary>Gets or sets the one-sided confidence of the lower bound on a heuristic's precision (Wilson score interval).</summary>
    /// <value>The default is 0.95.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double Confidence { get; set; } = 0.95;

    /// <summary>Gets or sets the minimum lower bound on a heuristic's precision.</summary>
    /// <value>The default is 0.6.</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double MinimumPrecision { get; set; } = 0.6;

    /// <summary>Gets or sets how far above its class's share the lower bound on the precision must be, as a fraction of the way to 1: the bound must reach <c>prior + MinimumLift * (1 - prior)</c>.</summary>
    /// <value>The default is 0.5, so a class of 87% needs a bound of 0.935, and a class of 13% one of 0.6.</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double MinimumLift { get; set; } = 0.5;

    /// <summary>Gets or sets the minimum share of the unlabeled sample a heuristic must hold on, when there is a sample, so that a heuristic that only fits the seed set is dropped.</summary>
    /// <value>The default is 0.002 (0.2%).</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double MinimumUnlabeledCoverage { get; set; } = 0.002;

    /// <summary>Gets or sets the largest overlap (Jaccard index of the items they hold on) between two kept heuristics; a candidate closer than this to a kept one is redundant.</summary>
    /// <value>The default is 0.6.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double MaximumOverlap { get; set; } = 0.6;

    /// <summary>Gets or sets the maximum number of words one keyword heuristic may list ("any of these words"); 1 keeps every word heuristic to one word.</summary>
    /// <value>The default is 8.</value>
    [Range(1, 1_000)]
    public int MaximumWordsPerProgram { get; set; } = 8;

    /// <summary>Gets or sets the number of most frequent conditions combined in pairs ("A and B") when neither is precise enough alone; 0 turns conjunctions off.</summary>
    /// <value>The default is 60.</value>
    [Range(0, 10_000)]
    public int ConjunctionCandidates { get; set; } = 60;

    /// <summary>Gets or sets the maximum number of unlabeled items looked at; a larger sample is thinned evenly.</summary>
    /// <value>The default is 5000.</value>
    [Range(1, 10_000_000)]
    public int MaximumUnlabeledSample { get; set; } = 5000;

    /// <summary>
    /// Gets or sets whether a concept condition of a class with too few seed items for its precision bound ever to reach
    /// the floor is judged by a precision estimated through the unlabeled sample instead (see <see cref="HeuristicMiner"/>).
    /// </summary>
    /// <value>
    /// The default is <see langword="true"/>, with <see cref="FewSeedSmallClassesOnly"/> and <see cref="FewSeedHeldOutCheck"/>:
    /// on the label-budget curve (docs/experiments/label-budget-curve.md, 5 draws) the three together raised SMS at 10
    /// labels (+0.120 F1 with MiniLM end-model features, +0.160 with hashed ones) and TREC at 10 (+0.008, +0.026), left
    /// TREC at 20 level, and moved SMS at 20 by -0.024 (MiniLM) and +0.006 (hashed); the rule alone lowered SMS at 20 and
    /// TREC at 10-20.
    /// </value>
    internal bool EstimateFewSeedConcepts { get; set; } = true;

    /// <summary>
    /// Gets or sets which class share the rule of <see cref="EstimateFewSeedConcepts"/> multiplies the expected recall by:
    /// the class's share of the seed labels, or its share of the unlabeled sample's items whose nearest class prototype
    /// is that class's (<see cref="FewSeedClassShare"/>).
    /// </summary>
    /// <value>The default is <see cref="FewSeedClassShare.SeedLabels"/>, the share the rule was first measured with.</value>
    internal FewSeedClassShare FewSeedShare { get; set; }

    /// <summary>
    /// Gets or sets whether the programs the rule of <see cref="EstimateFewSeedConcepts"/> keeps are checked on held-out
    /// seed items: the seed labels are split into folds (leave-one-out up to 10 items), the miner is run on the other
    /// folds, and when the estimated programs it selects vote on held-out items, (correct + 1) / (votes + 2) must reach
    /// <see cref="MinimumPrecision"/>; otherwise no estimated program is kept.
    /// </summary>
    /// <value>The default is <see langword="true"/>: without it the rule lowered TREC at 10-20 labels.</value>
    internal bool FewSeedHeldOutCheck { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the held-out check of <see cref="FewSeedHeldOutCheck"/> also compares the estimated programs
    /// with a seed-only stand-in, the nearest class prototype (the class whose <c>concepts.Prototype(k)</c> is highest),
    /// on the held-out seed items they vote on: the programs are kept only when they are right on at least as many of
    /// those votes as the stand-in is. It has no effect without <see cref="FewSeedHeldOutCheck"/>.
    /// </summary>
    /// <value>
    /// The default is <see langword="false"/>: on the label-budget curve (docs/experiments/label-budget-curve.md, ninth
    /// session, 5 draws) it changed two draws of 30: it dropped the programs of an SMS draw at 20 labels that had gained
    /// and one program of a TREC draw at 50, and kept those of the SMS draw at 20 that loses 0.128 (MiniLM features).
    /// </value>
    internal bool FewSeedPrototypeCheck { get; set; }

    /// <summary>
    /// Gets or sets whether the rule of <see cref="EstimateFewSeedConcepts"/> is kept to small classes: those with too
    /// few seed items for a condition right on all of them to reach <see cref="MinimumPrecision"/> (fewer than 5 at the
    /// defaults), leaving out a large class that only misses its floor because its share lifts it (SMS's ham at 17 of 20
    /// seed labels: a bound of 0.86 against a floor of 0.87).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    internal bool FewSeedSmallClassesOnly { get; set; } = true;

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (TextMember is not null && !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(TextMember))
        {
            yield return new ValidationResult($"OfflineSynthesizerOptions.TextMember '{TextMember}' is not a valid identifier; give the name of a public property or field of the item type.", [nameof(TextMember)]);
        }
    }
}

/// <summary>Validates <see cref="OfflineSynthesizerOptions"/>: generated at compile time from the data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>, where implemented); run at start-up by dependency injection and by the constructors of the components that take the options.</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class OfflineSynthesizerOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<OfflineSynthesizerOptions>;
