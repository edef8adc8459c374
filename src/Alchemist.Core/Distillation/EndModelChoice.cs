using System.Globalization;

namespace Alchemist;

/// <summary>
/// Represents the cross-validation over the seed items behind a run's final choice between the pipeline's end model and
/// the seed-only model, and the choice a rule makes from it.
/// </summary>
/// <param name="Folds">The number of folds that held at least one seed item.</param>
/// <param name="SeedItems">The number of seed items, each predicted once by each model's fold model that did not see it.</param>
/// <param name="MetricName">The name of the metric the scores are in.</param>
/// <param name="PipelineScore">The pipeline end model's pooled out-of-fold score (trained on the weak labels and the other folds' seed items).</param>
/// <param name="SeedOnlyScore">The seed-only model's pooled out-of-fold score (trained on the other folds' seed items).</param>
/// <param name="SeedOnlyRightAlone">The seed items the seed-only model got right and the pipeline's model wrong.</param>
/// <param name="PipelineRightAlone">The seed items the pipeline's model got right and the seed-only model wrong.</param>
internal sealed record EndModelChoice(
    int Folds, int SeedItems, string MetricName, double PipelineScore, double SeedOnlyScore, int SeedOnlyRightAlone, int PipelineRightAlone)
{
    /// <summary>The level of the one-sided sign test of <see cref="EndModelChoiceRule.SignTest"/>.</summary>
    public const double SignTestLevel = 0.05;

    /// <summary>Gets the rule the run applied.</summary>
    public EndModelChoiceRule Rule { get; init; } = EndModelChoiceRule.HigherScore;

    /// <summary>Gets a value indicating whether the run shipped the seed-only model under <see cref="Rule"/>.</summary>
    public bool SeedOnlyShipped => ChoosesSeedOnly(Rule);

    /// <summary>Gets the one-sided exact sign test's p-value: the chance of at least <see cref="SeedOnlyRightAlone"/> of the items one model alone got right going to the seed-only model, were both equally good.</summary>
    public double SignTestPValue
    {
        get
        {
            int n = SeedOnlyRightAlone + PipelineRightAlone;
            double p = 0;
            for (int k = SeedOnlyRightAlone; k <= n; k++)
            {
                p += Math.Exp(LogChoose(n, k) - (n * Math.Log(2)));
            }

            return Math.Min(1, p);
        }
    }

    /// <summary>Determines whether a rule ships the seed-only model on these figures; ties ship the pipeline's.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns><see langword="true"/> to ship the seed-only model.</returns>
    public bool ChoosesSeedOnly(EndModelChoiceRule rule) => rule switch
    {
        EndModelChoiceRule.HigherScore => SeedOnlyScore > PipelineScore,
        EndModelChoiceRule.SignTest or EndModelChoiceRule.NestedSignTest => SeedOnlyScore > PipelineScore && SignTestPValue <= SignTestLevel,
        _ => false,
    };

    /// <summary>Gets one sentence for the report: which model shipped and why.</summary>
    public string Sentence() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(SeedOnlyShipped ? "the seed-only model shipped" : "the pipeline's end model shipped")}: {Folds}-fold cross-validation over the {SeedItems} seed items{(Rule == EndModelChoiceRule.NestedSignTest ? " (the whole pipeline re-run per fold without the fold's seed items)" : string.Empty)} gave {MetricName} {PipelineScore:0.000} (pipeline) against {SeedOnlyScore:0.000} (seed-only); " +
        $"{SeedOnlyRightAlone} items right by the seed-only model alone, {PipelineRightAlone} by the pipeline's alone (sign test p = {SignTestPValue:0.000}); rule {Rule}");

    private static double LogChoose(int n, int k)
    {
        double sum = 0;
        for (int i = 1; i <= k; i++)
        {
            sum += Math.Log(n - k + i) - Math.Log(i);
        }

        return sum;
    }
}
