namespace Alchemist.Tests.Distillation;

/// <summary>
/// The final choice between the pipeline's end model and the seed-only model by cross-validation over the seed items
/// (<see cref="LabelingPipelineOptions.EndModelChoice"/>), on constructed jobs where one model is plainly the better.
/// </summary>
public partial class EndModelCrossValidationTests
{
    // Each item names one thing of its class; each seed item a thing of its own, so a model trained on some seed items
    // knows nothing of a held-out one's thing, while a rule over the things knows every one.
    private static readonly string[] Fruits = ["apple", "mango", "peach", "grape", "melon", "lemon", "cherry", "plum", "guava", "kiwi"];
    private static readonly string[] Tools = ["hammer", "wrench", "chisel", "pliers", "drill", "saw", "spanner", "mallet", "trowel", "clamp"];

    private static readonly LabelingTask Task = new("fruit-or-tool", "Does the text name a fruit or a tool?", ["fruit", "tool"]);

    [Fact]
    public async Task RunAsync_RightRuleAndSeedItemsThatShareNothing_ShipsThePipelinesModel()
    {
        var right = LabelingFunction.Create<string>("right", text => Fruits.Any(text.Contains) ? 0 : Tools.Any(text.Contains) ? 1 : Label.Abstain);

        var run = (LabelingRun<string>)await new LabelingPipeline([], Options(EndModelChoiceRule.HigherScore)).RunAsync(Job(right));

        EndModelChoice choice = run.EndModelChoice!;
        Assert.False(choice.SeedOnlyShipped);
        Assert.True(choice.PipelineScore > choice.SeedOnlyScore, $"pipeline {choice.PipelineScore}, seed-only {choice.SeedOnlyScore}");
        Assert.Equal((5, 10), (choice.Folds, choice.SeedItems));
        Assert.Same(run.DistilledEndModel, run.TrainedEndModel);
        Assert.NotSame(run.SeedOnlyModel, run.TrainedEndModel);
        Assert.Contains("- **Model shipped**: the pipeline's end model shipped: 5-fold cross-validation over the 10 seed items", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvertedRule_ShipsTheSeedOnlyModelAndLabelsWithIt()
    {
        // The rule calls every fruit a tool and every tool a fruit: the weak labels are all wrong.
        var inverted = LabelingFunction.Create<string>("inverted", text => Fruits.Any(text.Contains) ? 1 : Tools.Any(text.Contains) ? 0 : Label.Abstain);
        LabelingJob<string> job = Job(inverted, seedPerClass: 10, seedSharesThings: true);

        var run = (LabelingRun<string>)await new LabelingPipeline([], Options(EndModelChoiceRule.HigherScore)).RunAsync(job);

        EndModelChoice choice = run.EndModelChoice!;
        Assert.True(choice.SeedOnlyShipped, choice.ToString());
        Assert.True(choice.SeedOnlyScore > choice.PipelineScore, $"pipeline {choice.PipelineScore}, seed-only {choice.SeedOnlyScore}");
        Assert.Same(run.SeedOnlyModel, run.TrainedEndModel);
        Assert.NotSame(run.DistilledEndModel, run.TrainedEndModel);
        ClassProbabilities bySeedOnly = await run.SeedOnlyModel!.PredictProbabilitiesAsync(job.Items);
        Assert.Equal(bySeedOnly.Predict(TieBreak.Random(0)), run.Labels);
        Assert.Contains("- **Model shipped**: the seed-only model shipped:", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ChoiceOff_MakesNoChoiceAndShipsThePipelinesModel()
    {
        var inverted = LabelingFunction.Create<string>("inverted", text => Fruits.Any(text.Contains) ? 1 : Tools.Any(text.Contains) ? 0 : Label.Abstain);

        var run = (LabelingRun<string>)await new LabelingPipeline([], Options(EndModelChoiceRule.Off)).RunAsync(Job(inverted, seedPerClass: 10, seedSharesThings: true));

        Assert.Null(run.EndModelChoice);
        Assert.Same(run.DistilledEndModel, run.TrainedEndModel);
        Assert.Contains("- **Model shipped**: the pipeline's end model, not checked against the seed-only model (the final choice is off)", RunReport.ToMarkdown(run), StringComparison.Ordinal);
    }

    private static LabelingPipelineOptions Options(EndModelChoiceRule rule) => new()
    {
        LabelModel = "majority",
        SeedModelVoter = false,
        DirectLabelingModel = null,
        FeedbackRounds = 0,
        EndModelChoiceRuleOverride = rule,
    };

    /// <summary>200 unlabeled items (every thing of each class, in varied sentences) and a seed set of each class's first things.</summary>
    private static LabelingJob<string> Job(ILabelingFunction<string> function, int seedPerClass = 5, bool seedSharesThings = false)
    {
        string[] frames = ["I saw a {0} today", "there is a {0} on the table", "bring me the {0}", "my {0} is old", "a {0} again", "look at that {0}", "the {0} please", "one more {0}", "where is my {0}", "such a fine {0}"];
        var items = new List<string>();
        foreach (string frame in frames)
        {
            items.AddRange(Fruits.Select(f => string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, f)));
            items.AddRange(Tools.Select(t => string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, t)));
        }

        // Seed items: sentences like the items, a thing each (seedSharesThings: the first two things of the class, taking
        // turns, so every fold has seen them); seed item i of either class uses frame i, so the frames tell nothing.
        LabeledExample<string>[] seed =
        [
            .. Enumerable.Range(0, seedPerClass).Select(i => new LabeledExample<string>(string.Format(System.Globalization.CultureInfo.InvariantCulture, frames[i], Fruits[seedSharesThings ? i % 2 : i]), 0)),
            .. Enumerable.Range(0, seedPerClass).Select(i => new LabeledExample<string>(string.Format(System.Globalization.CultureInfo.InvariantCulture, frames[i], Tools[seedSharesThings ? i % 2 : i]), 1)),
        ];
        return new LabelingJob<string>(Task, items) { SeedSet = seed, Functions = [function] };
    }
}
