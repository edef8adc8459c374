namespace Alchemist;

/// <summary>Specifies how <see cref="EndModelTrainingSet.FromLabelModel{TItem}"/> weighs a weakly labeled item.</summary>
public enum SoftLabelWeighting
{
    /// <summary>Each covered item has weight 1, whatever its distribution.</summary>
    Uniform,

    /// <summary>
    /// Each covered item is weighted by the label model's confidence: its highest probability rescaled so that a uniform
    /// distribution (the programs cancel out) weighs 0 and a certain one weighs 1, <c>(max p - 1/K) / (1 - 1/K)</c>.
    /// </summary>
    Confidence,
}
