using System.Globalization;

namespace Alchemist;

/// <summary>
/// Represents the check behind a run's final choice between the pipeline's end model and the seed-only model
/// (<see cref="LabelingPipelineOptions.EndModelChoice"/>): a cross-validation over the seed items, its figures, and the
/// model that shipped.
/// </summary>
/// <remarks>
/// Each seed item is predicted once by each model's fold model that did not see it; the predictions are pooled and
/// scored under the run's selection metric (<see cref="LabelingPipelineOptions.SelectionMetric"/>: F1 of class 1 for
/// a binary task, accuracy otherwise). The seed-only model ships when its score is strictly higher and a one-sided
/// exact sign test over the items only one model gets right gives at most <see cref="SignTestLevel"/>.
/// </remarks>
public sealed class EndModelChoice
{
    /// <summary>The level of the one-sided sign test: the seed-only model ships only when <see cref="SignTestPValue"/> is at most this.</summary>
    public const double SignTestLevel = 0.05;

    /// <summary>Initializes a new instance of the <see cref="EndModelChoice"/> class.</summary>
    /// <param name="folds">The number of folds that held at least one seed item.</param>
    /// <param name="seedItems">The number of seed items.</param>
    /// <param name="metricName">The name of the metric the scores are in.</param>
    /// <param name="pipelineScore">The pipeline end model's pooled out-of-fold score.</param>
    /// <param name="seedOnlyScore">The seed-only model's pooled out-of-fold score.</param>
    /// <param name="seedOnlyRightAlone">The seed items the seed-only model got right and the pipeline's model wrong.</param>
    /// <param name="pipelineRightAlone">The seed items the pipeline's model got right and the seed-only model wrong.</param>
    internal EndModelChoice(int folds, int seedItems, string metricName, double pipelineScore, double seedOnlyScore, int seedOnlyRightAlone, int pipelineRightAlone)
    {
        Folds = folds;
        SeedItems = seedItems;
        MetricName = metricName;
        PipelineScore = pipelineScore;
        SeedOnlyScore = seedOnlyScore;
        SeedOnlyRightAlone = seedOnlyRightAlone;
        PipelineRightAlone = pipelineRightAlone;
    }

    /// <summary>Gets the number of folds that held at least one seed item (at most five).</summary>
    public int Folds { get; }

    /// <summary>Gets the number of seed items, each predicted once by each model's fold model that did not see it.</summary>
    public int SeedItems { get; }

    /// <summary>Gets the name of the metric the scores are in: <c>accuracy</c> or <c>F1 of class 1</c>.</summary>
    public string MetricName { get; }

    /// <summary>Gets the pipeline end model's pooled out-of-fold score: per fold, the whole pipeline re-run without the fold's seed items.</summary>
    public double PipelineScore { get; }

    /// <summary>Gets the seed-only model's pooled out-of-fold score: per fold, trained on the other folds' seed items.</summary>
    public double SeedOnlyScore { get; }

    /// <summary>Gets the number of seed items the seed-only model got right and the pipeline's model wrong.</summary>
    public int SeedOnlyRightAlone { get; }

    /// <summary>Gets the number of seed items the pipeline's model got right and the seed-only model wrong.</summary>
    public int PipelineRightAlone { get; }

    /// <summary>Gets a value indicating whether the seed-only model shipped (<see cref="LabelingRun{TItem}.TrainedEndModel"/> is then the seed-only model, which labeled the items).</summary>
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

    /// <summary>Gets the rule the run applied.</summary>
    internal EndModelChoiceRule Rule { get; init; } = EndModelChoiceRule.HigherScore;

    /// <summary>Returns one sentence: which model shipped and why, with the figures.</summary>
    /// <returns>The sentence the reports show.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(SeedOnlyShipped ? "the seed-only model shipped" : "the pipeline's end model shipped")}: {Folds}-fold cross-validation over the {SeedItems} seed items{(Rule == EndModelChoiceRule.NestedSignTest ? " (the whole pipeline re-run per fold without the fold's seed items)" : string.Empty)} gave {MetricName} {PipelineScore:0.000} (pipeline) against {SeedOnlyScore:0.000} (seed-only); " +
        $"{SeedOnlyRightAlone} items right by the seed-only model alone, {PipelineRightAlone} by the pipeline's alone (sign test p = {SignTestPValue:0.000}{(Rule == EndModelChoiceRule.NestedSignTest ? string.Empty : $"; rule {Rule}")})");

    /// <summary>Determines whether a rule ships the seed-only model on these figures; ties ship the pipeline's.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns><see langword="true"/> to ship the seed-only model.</returns>
    internal bool ChoosesSeedOnly(EndModelChoiceRule rule) => rule switch
    {
        EndModelChoiceRule.HigherScore => SeedOnlyScore > PipelineScore,
        EndModelChoiceRule.SignTest or EndModelChoiceRule.NestedSignTest => SeedOnlyScore > PipelineScore && SignTestPValue <= SignTestLevel,
        _ => false,
    };

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
