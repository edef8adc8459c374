namespace Alchemist;

/// <summary>Specifies the kind of a <see cref="TieBreak"/>.</summary>
public enum TieBreakKind
{
    /// <summary>A tie is predicted as <see cref="Label.Abstain"/>.</summary>
    Abstain,

    /// <summary>A tie is broken by a seeded random choice among the tied classes.</summary>
    Random,

    /// <summary>A tie is broken in favor of the tied class with the highest prior probability.</summary>
    ClassPrior,
}
