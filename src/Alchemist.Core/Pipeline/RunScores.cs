using System.Globalization;

namespace Alchemist;

/// <summary>Represents how well each model of a run does on a labeled split: the label model, the distilled end model and the seed-only baseline.</summary>
/// <param name="Split">The split scored, such as <c>test</c>.</param>
/// <param name="LabelModel">The label model's scores (ties and items no program covers broken by a seeded random choice), or <see langword="null"/> when no program was kept.</param>
/// <param name="EndModel">The distilled end model's scores.</param>
/// <param name="SeedOnly">The same end model trained on the seed labels alone: the baseline weak supervision must beat.</param>
public sealed record RunScores(string Split, ClassificationScores? LabelModel, ClassificationScores EndModel, ClassificationScores? SeedOnly)
{
    /// <summary>Gets the metric the run was judged by: the pipeline's <see cref="LabelingPipelineOptions.SelectionMetric"/>.</summary>
    /// <value>The default is <see cref="LabelModelMetric.Accuracy"/>. F1 is that of class 1, and applies to binary tasks only (accuracy otherwise).</value>
    public LabelModelMetric Metric { get; init; } = LabelModelMetric.Accuracy;

    /// <summary>Gets the end model's score minus the seed-only baseline's, by <see cref="Metric"/>, or <see langword="null"/> when the baseline was not scored.</summary>
    /// <remarks>Below zero, the weak labels did not add to the seed labels on this split: the end model learned more from the seed labels alone.</remarks>
    public double? GainOverSeedOnly => SeedOnly is { } seedOnly ? Score(EndModel) - Score(seedOnly) : null;

    /// <summary>Gets the name of <see cref="Metric"/> as the scores apply it: <c>accuracy</c>, or <c>F1 of class 1</c>.</summary>
    public string MetricName => UsesF1 ? "F1 of class 1" : "accuracy";

    /// <summary>Gets a score by <see cref="Metric"/>.</summary>
    /// <param name="scores">The scores.</param>
    /// <returns>The F1 of class 1 when the metric is F1 and the task is binary; otherwise the accuracy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scores"/> is <see langword="null"/>.</exception>
    public double Score(ClassificationScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return Metric == LabelModelMetric.F1 && scores.F1 is double f1 ? f1 : scores.Accuracy;
    }

    /// <summary>Gets one sentence comparing the end model with the seed-only baseline, or <see langword="null"/> when the baseline was not scored.</summary>
    internal string? VerdictSentence() => GainOverSeedOnly switch
    {
        null => null,
        double gain when gain > 0 => string.Create(CultureInfo.InvariantCulture, $"Weak supervision beat the seed-only baseline on the {Split} split: {MetricName} {Score(EndModel):0.000} against {Score(SeedOnly!):0.000} ({gain:+0.000})."),
        double gain when gain == 0 => string.Create(CultureInfo.InvariantCulture, $"Weak supervision tied the seed-only baseline on the {Split} split: {MetricName} {Score(EndModel):0.000} for both."),
        double gain => string.Create(CultureInfo.InvariantCulture, $"Weak supervision did not beat the seed-only baseline on the {Split} split: {MetricName} {Score(EndModel):0.000} against {Score(SeedOnly!):0.000} ({gain:+0.000;-0.000}). Here the programs' labels did not add to what the seed labels teach; more or better programs (an LLM synthesizer's), more seed labels, or the seed-only model itself may serve better."),
    };

    private bool UsesF1 => Metric == LabelModelMetric.F1 && EndModel.F1 is not null;
}
