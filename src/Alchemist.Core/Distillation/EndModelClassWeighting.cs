namespace Alchemist;

/// <summary>Specifies how an end model weighs the classes against each other, for imbalanced data and for training sets whose class mix is skewed.</summary>
/// <remarks>
/// The class balance below is the training set's <see cref="EndModelTrainingSet{TItem}.ClassBalance"/> when it is set,
/// and otherwise the training set's own class mass (the sum over items of weight times target probability). Each class
/// gets the weight that makes its share of the training loss equal to a target share: the balance itself
/// (<see cref="ClassBalance"/>), its square root (<see cref="SquareRootBalanced"/>) or uniform (<see cref="Balanced"/>).
/// </remarks>
public enum EndModelClassWeighting
{
    /// <summary>Every class counts by its share of the training mass, however skewed.</summary>
    None,

    /// <summary>
    /// Each class counts as if the classes were balanced (scikit-learn's <c>class_weight="balanced"</c>, extended to soft
    /// labels). Good for a rare positive class scored by F1, such as spam.
    /// </summary>
    Balanced,

    /// <summary>Each class counts in proportion to the square root of its balance: between the balance and uniform.</summary>
    SquareRootBalanced,

    /// <summary>Each class counts by the class balance: with a known balance, this undoes the skew of the items programs cover; without one, it is <see cref="None"/>.</summary>
    ClassBalance,
}
