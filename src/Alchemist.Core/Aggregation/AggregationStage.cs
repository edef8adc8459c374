namespace Alchemist;

/// <summary>The aggregation stage of a run: creates the label model by name, fits it on the votes (choosing and fitting on the seed labels, never on test data), and gives every item's class distribution.</summary>
internal sealed class AggregationStage(LabelModelCatalog catalog, string labelModel, LabelModelMetric metric, int seed)
{
    /// <summary>Fits the label model.</summary>
    /// <param name="votes">The votes on every item.</param>
    /// <param name="seedVotes">The same functions' votes on the seed items, or <see langword="null"/>.</param>
    /// <param name="seedLabels">The seed items' labels, with <paramref name="seedVotes"/>.</param>
    /// <param name="warnings">Receives the fit's warnings.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The fitted model and its distributions, or nothing when there are no functions to aggregate.</returns>
    public (LabelModel? Model, ClassProbabilities? Probabilities) Fit(
        LabelMatrix votes, LabelMatrix? seedVotes, IReadOnlyList<int> seedLabels, ICollection<string> warnings, CancellationToken cancellationToken)
    {
        if (votes.FunctionCount == 0)
        {
            warnings.Add("No program or function was kept, so there are no weak labels: the end model learns from the seed labels alone.");
            return (null, null);
        }

        LabelModel model = catalog.Create(labelModel);
        var fitOptions = new LabelModelFitOptions { Seed = seed, Metric = metric };
        if (seedVotes is not null)
        {
            fitOptions.DevMatrix = seedVotes;
            fitOptions.DevLabels = seedLabels;
        }

        LabelModelFitReport report = model.Fit(votes, fitOptions, cancellationToken);
        foreach (string warning in report.Warnings)
        {
            warnings.Add(warning);
        }

        return (model, model.PredictProbabilities(votes));
    }
}
