namespace Alchemist;

/// <summary>Specifies where a label model takes the class balance from when <see cref="LabelModelFitOptions.ClassBalance"/> is not given.</summary>
public enum ClassBalanceEstimation
{
    /// <summary>The dev split's gold labels when a dev split is given; otherwise the votes.</summary>
    Automatic,

    /// <summary>The dev split's gold labels, smoothed by one count per class; a dev split is required.</summary>
    DevSplit,

    /// <summary>The votes of the label matrix, as each model estimates it (for example, Dawid-Skene's EM).</summary>
    Votes,
}
