namespace Alchemist;

/// <summary>Represents what a prediction does when several classes share the highest probability, as on an item no function voted on.</summary>
/// <remarks>Instances are immutable. Ties are probabilities within <see cref="ClassProbabilities.TieTolerance"/> of the highest.</remarks>
public sealed class TieBreak
{
    private TieBreak(TieBreakKind kind, int seed)
    {
        Kind = kind;
        Seed = seed;
    }

    /// <summary>Gets the policy that predicts <see cref="Label.Abstain"/> for a tie.</summary>
    public static TieBreak Abstain { get; } = new(TieBreakKind.Abstain, 0);

    /// <summary>Gets the policy that predicts the tied class with the highest prior probability (the lowest index among equals).</summary>
    public static TieBreak ClassPrior { get; } = new(TieBreakKind.ClassPrior, 0);

    /// <summary>Gets the kind of policy.</summary>
    public TieBreakKind Kind { get; }

    /// <summary>Gets the seed of a <see cref="TieBreakKind.Random"/> policy; 0 otherwise.</summary>
    public int Seed { get; }

    /// <summary>Creates the policy that picks one of the tied classes at random, as the WRENCH benchmark does.</summary>
    /// <param name="seed">The seed; the same seed gives the same choices for the same probabilities.</param>
    /// <returns>A seeded random policy.</returns>
    public static TieBreak Random(int seed) => new(TieBreakKind.Random, seed);

    /// <inheritdoc />
    public override string ToString() => Kind == TieBreakKind.Random ? $"Random(seed {Seed})" : Kind.ToString();
}
