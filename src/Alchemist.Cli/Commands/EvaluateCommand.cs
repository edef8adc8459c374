using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist evaluate</c>: fits a label model on the train split's own weak labels and scores it on the test split,
/// with ties and all-abstain rows broken by a seeded random choice, as WRENCH does.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        Option<string?> data = CliOptions.Data();
        Option<string> labelModel = CliOptions.LabelModel(MajorityVoteLabelModel.ModelName);
        Option<int> seed = CliOptions.Seed();
        Option<bool> json = CliOptions.Json();
        var metric = new Option<string>("--metric")
        {
            Description = "The dev-split metric that scores fits: the choice of 'auto' and the warning against majority vote. 'f1' (of class 1) needs a binary task.",
            DefaultValueFactory = _ => "accuracy",
            HelpName = "accuracy|f1",
        };
        metric.AcceptOnlyFromAmong("accuracy", "f1");
        var command = new Command("evaluate", "Fit a label model on a dataset's own labeling-function votes (train split, with valid.json as the dev split) and score it on the test split.")
        {
            data, labelModel, seed, metric, json,
        };
        command.SetAction(parsed => Execute(
            parsed.InvocationConfiguration.Output,
            parsed.GetValue(data),
            parsed.GetValue(labelModel)!,
            parsed.GetValue(seed),
            parsed.GetValue(metric) == "f1" ? LabelModelMetric.F1 : LabelModelMetric.Accuracy,
            parsed.GetValue(json)));
        return command;
    }

    private static int Execute(TextWriter output, string? dataDirectory, string modelName, int seed, LabelModelMetric metric, bool json)
    {
        LabelModelCatalog catalog = LabelModelCatalog.CreateDefault();
        if (!catalog.Contains(modelName))
        {
            throw new UsageException($"Unknown label model '{modelName}'. Known label models: {string.Join(", ", catalog.Names)}.");
        }

        WrenchDataset dataset = CliDatasets.Load(dataDirectory);
        WrenchSplit train = dataset.Train;
        WrenchSplit test = CliDatasets.Require(dataset, dataset.Test, "test");
        if (metric == LabelModelMetric.F1 && dataset.Task.ClassCount != 2)
        {
            throw new UsageException($"--metric f1 scores class 1 of a binary task; the dataset '{dataset.Name}' has {dataset.Task.ClassCount} classes. Use --metric accuracy.");
        }

        LabelModel model = catalog.Create(modelName);

        var fitOptions = new LabelModelFitOptions { Seed = seed, Metric = metric };
        if (dataset.Valid is { } valid)
        {
            fitOptions.DevMatrix = valid.WeakLabels;
            fitOptions.DevLabels = valid.GoldLabels;
        }

        long started = Stopwatch.GetTimestamp();
        LabelModelFitReport report = model.Fit(train.WeakLabels, fitOptions);
        double fitMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        ClassProbabilities probabilities = model.PredictProbabilities(test.WeakLabels);
        int[] predicted = probabilities.Predict(TieBreak.Random(seed));
        int[] decided = probabilities.Predict(TieBreak.Abstain);
        ClassificationScores scores = ClassificationMetrics.Score(test.GoldLabels, predicted, dataset.Task.ClassCount);
        int decidedItems = decided.Count(p => p != Label.Abstain);
        int decidedCorrect = decided.Where((p, i) => p != Label.Abstain && p == test.GoldLabels[i]).Count();
        double decidedAccuracy = decidedItems == 0 ? 0 : (double)decidedCorrect / decidedItems;
        double trainCoverage = LabelingFunctionAnalysis.Analyze(train.WeakLabels).Coverage;

        if (json)
        {
            var node = new JsonObject
            {
                ["dataset"] = dataset.Name,
                ["labelModel"] = model.Name,
                ["classes"] = dataset.Task.ClassCount,
                ["trainItems"] = train.Count,
                ["functions"] = train.WeakLabels.FunctionCount,
                ["trainCoverage"] = CliJson.Round(trainCoverage),
                ["test"] = new JsonObject
                {
                    ["items"] = test.Count,
                    ["accuracy"] = CliJson.Round(scores.Accuracy),
                    ["f1"] = CliJson.Round(scores.F1),
                    ["macroF1"] = CliJson.Round(scores.MacroF1),
                    ["decidedItems"] = decidedItems,
                    ["decidedAccuracy"] = CliJson.Round(decidedAccuracy),
                },
                ["fitMilliseconds"] = Math.Round(fitMilliseconds, 3),
            };
            if (report.Selected is not null)
            {
                node["selected"] = report.Selected;
                node["selectionReason"] = report.SelectionReason;
            }

            if (report.CandidateScores is not null)
            {
                var candidates = new JsonObject();
                foreach ((string name, double score) in report.CandidateScores)
                {
                    candidates[name] = CliJson.Round(score);
                }

                node["candidates"] = candidates;
            }

            CliJson.Write(output, node);
            return ExitCodes.Success;
        }

        output.WriteLine($"Dataset      {dataset.Name}: {dataset.Task.ClassCount} classes ({string.Join(", ", dataset.Task.ClassNames)})");
        output.WriteLine($"Train        {train.Count} items, {train.WeakLabels.FunctionCount} labeling functions, coverage {TextTable.Format(trainCoverage)}");
        output.WriteLine($"Label model  {model.Name}{(report.Selected is null ? string.Empty : $" (selected {report.Selected})")}, fitted in {fitMilliseconds:0.0} ms");
        if (report.SelectionReason is not null)
        {
            output.WriteLine($"Choice       {report.SelectionReason}");
        }

        output.WriteLine();
        var table = new TextTable("test split", "items", "accuracy", "F1 (class 1)", "macro-F1");
        table.Add("all rows (seeded random tie-break)", test.Count, scores.Accuracy, scores.F1, scores.MacroF1);
        table.Add("rows with a clear winner", decidedItems, decidedAccuracy, null, null);
        output.Write(table.ToString());
        if (report.CandidateScores is not null)
        {
            output.WriteLine();
            var candidates = new TextTable("candidate", "dev score");
            foreach ((string name, double score) in report.CandidateScores)
            {
                candidates.Add(name, score);
            }

            output.Write(candidates.ToString());
        }

        foreach (string warning in report.Warnings)
        {
            output.WriteLine($"warning: {warning}");
        }

        return ExitCodes.Success;
    }
}
