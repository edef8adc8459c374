namespace Alchemist;

/// <summary>Represents how well each model of a run does on a labeled split: the label model, the distilled end model and the seed-only baseline.</summary>
/// <param name="Split">The split scored, such as <c>test</c>.</param>
/// <param name="LabelModel">The label model's scores (ties and items no program covers broken by a seeded random choice), or <see langword="null"/> when no program was kept.</param>
/// <param name="EndModel">The distilled end model's scores.</param>
/// <param name="SeedOnly">The same end model trained on the seed labels alone: the baseline weak supervision must beat.</param>
public sealed record RunScores(string Split, ClassificationScores? LabelModel, ClassificationScores EndModel, ClassificationScores? SeedOnly);
