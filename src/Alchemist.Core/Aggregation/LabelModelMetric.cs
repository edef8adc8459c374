namespace Alchemist;

/// <summary>Specifies the metric by which label models are scored on a dev split, for example when the <c>auto</c> model chooses one.</summary>
public enum LabelModelMetric
{
    /// <summary>The fraction of items whose predicted class is the gold class.</summary>
    Accuracy,

    /// <summary>The F1 score of class 1 (the positive class of a binary task, as WRENCH reports it); binary tasks only.</summary>
    F1,
}
