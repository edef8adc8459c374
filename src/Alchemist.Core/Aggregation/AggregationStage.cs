namespace Alchemist;

/// <summary>The aggregation stage of a run: creates the label model by name, fits it on the votes (choosing and fitting on the seed labels, never on test data), and leaves predicting the items to the caller.</summary>
internal sealed class AggregationStage(LabelModelCatalog catalog, string labelModel, LabelModelMetric metric, int seed)
{
    /// <summary>Fits the label model; the caller predicts the items (per item, or per distinct row for a streamed run).</summary>
    /// <param name="votes">The votes on every item.</param>
    /// <param name="seedVotes">The same functions' votes on the seed items, or <see langword="null"/>.</param>
    /// <param name="seedLabels">The seed items' labels, with <paramref name="seedVotes"/>.</param>
    /// <param name="warnings">Receives the fit's warnings.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The fitted model, or <see langword="null"/> when there are no functions to aggregate.</returns>
    public LabelModel? FitModel(
        LabelMatrix votes, LabelMatrix? seedVotes, IReadOnlyList<int> seedLabels, ICollection<string> warnings, CancellationToken cancellationToken)
    {
        if (votes.FunctionCount == 0)
        {
            warnings.Add("No program or function was kept, so there are no weak labels: the end model learns from the seed labels alone.");
            return null;
        }

        return Fit((model, options) => model.Fit(votes, options, cancellationToken), seedVotes, seedLabels, warnings);
    }

    /// <summary>Fits the label model from the statistics of the votes (the merged statistics of shards whose votes stayed where they were made), as <see cref="FitModel(LabelMatrix, LabelMatrix?, IReadOnlyList{int}, ICollection{string}, CancellationToken)"/> fits it on the matrix they describe.</summary>
    /// <param name="statistics">The statistics of the votes on every item, with their distinct rows.</param>
    /// <param name="seedVotes">The same functions' votes on the seed items, or <see langword="null"/>.</param>
    /// <param name="seedLabels">The seed items' labels, with <paramref name="seedVotes"/>.</param>
    /// <param name="warnings">Receives the fit's warnings.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The fitted model.</returns>
    public LabelModel FitModel(
        LabelStatistics statistics, LabelMatrix? seedVotes, IReadOnlyList<int> seedLabels, ICollection<string> warnings, CancellationToken cancellationToken) =>
        Fit((model, options) => model.Fit(statistics, options, cancellationToken), seedVotes, seedLabels, warnings);

    private LabelModel Fit(Func<LabelModel, LabelModelFitOptions, LabelModelFitReport> fit, LabelMatrix? seedVotes, IReadOnlyList<int> seedLabels, ICollection<string> warnings)
    {
        LabelModel model = catalog.Create(labelModel);
        var fitOptions = new LabelModelFitOptions { Seed = seed, Metric = metric };
        if (seedVotes is not null)
        {
            fitOptions.DevMatrix = seedVotes;
            fitOptions.DevLabels = seedLabels;
        }

        LabelModelFitReport report = fit(model, fitOptions);
        foreach (string warning in report.Warnings)
        {
            warnings.Add(warning);
        }

        return model;
    }
}
