namespace Alchemist;

/// <summary>Specifies how an end model weighs the classes against each other, for imbalanced data.</summary>
public enum EndModelClassWeighting
{
    /// <summary>Every class counts by its share of the training mass: a rare class is easy to ignore.</summary>
    None,

    /// <summary>
    /// Each class counts as if the classes were balanced: its targets are scaled by <c>total / (K * class mass)</c>, the
    /// class mass being the sum over items of weight times target probability (scikit-learn's <c>class_weight="balanced"</c>,
    /// extended to soft labels). Good for a rare positive class scored by F1, such as spam.
    /// </summary>
    Balanced,

    /// <summary>The square root of <see cref="Balanced"/>: a milder correction, between none and balanced.</summary>
    SquareRootBalanced,
}
