using System.Globalization;

namespace Alchemist;

/// <summary>Represents a mined heuristic: a condition and the class it votes when the condition holds (it abstains otherwise), with the evidence for it.</summary>
internal sealed class Heuristic
{
    public Heuristic(Condition condition, int label, int support, int correct, double lowerBound, int exampleCount, double unlabeledCoverage, int unlabeledCount, bool boundByCoverage = false)
    {
        BoundByCoverage = boundByCoverage;
        Condition = condition;
        Label = label;
        Support = support;
        Correct = correct;
        LowerBound = lowerBound;
        ExampleCount = exampleCount;
        UnlabeledCoverage = unlabeledCoverage;
        UnlabeledCount = unlabeledCount;
    }

    /// <summary>Gets the condition.</summary>
    public Condition Condition { get; }

    /// <summary>Gets the class voted when the condition holds.</summary>
    public int Label { get; }

    /// <summary>Gets the number of labeled examples the condition holds on.</summary>
    public int Support { get; }

    /// <summary>Gets the number of those examples whose label is <see cref="Label"/>.</summary>
    public int Correct { get; }

    /// <summary>Gets whether <see cref="LowerBound"/> comes from the class's seed items and the unlabeled coverage (an estimate, for a class with too few seed items to bound it, <see cref="HeuristicMiner"/>) rather than from the seed items it holds on alone.</summary>
    public bool BoundByCoverage { get; }

    /// <summary>Gets the lower confidence bound of the precision (Wilson score interval; see <see cref="BoundByCoverage"/>).</summary>
    public double LowerBound { get; }

    /// <summary>Gets the number of labeled examples mined from.</summary>
    public int ExampleCount { get; }

    /// <summary>Gets the share of the unlabeled sample the condition holds on (of the examples when there was no sample).</summary>
    public double UnlabeledCoverage { get; }

    /// <summary>Gets the size of the unlabeled sample.</summary>
    public int UnlabeledCount { get; }

    /// <summary>Gets the evidence in words, for the program's comment and provenance.</summary>
    public string Evidence => string.Create(
        CultureInfo.InvariantCulture,
        $"Mined by the offline synthesizer from {ExampleCount} labeled examples: the condition holds on {Support}, {Correct} of this class (precision {(double)Correct / Support:0.00}, lower bound {LowerBound:0.00}")
        + (BoundByCoverage ? ", estimated from the class's share, its recall on the class's seed items and its coverage of the unlabeled items)" : ")")
        + (UnlabeledCount > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; it holds on {UnlabeledCoverage:0.0%} of {UnlabeledCount} unlabeled items.")
            : ".");

    /// <summary>Votes on a text: <see cref="Label"/> when the condition holds, <see cref="Alchemist.Label.Abstain"/> otherwise.</summary>
    public int Apply(TextProfile profile) => Condition.Matches(profile) ? Label : Alchemist.Label.Abstain;
}
