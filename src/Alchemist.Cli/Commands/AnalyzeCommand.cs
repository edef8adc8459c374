using System.CommandLine;
using System.Text.Json.Nodes;

namespace Alchemist.Cli.Commands;

/// <summary><c>alchemist analyze</c>: the labeling-function analysis of the train split's own votes.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        Option<string?> data = CliOptions.Data();
        Option<bool> json = CliOptions.Json();
        var command = new Command("analyze", "Show each labeling function's polarity, coverage, overlaps, conflicts and empirical accuracy on the train split.")
        {
            data, json,
        };
        command.SetAction(parsed => Execute(parsed.InvocationConfiguration.Output, parsed.GetValue(data), parsed.GetValue(json)));
        return command;
    }

    private static int Execute(TextWriter output, string? dataDirectory, bool json)
    {
        WrenchDataset dataset = CliDatasets.Load(dataDirectory);
        LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(dataset.Train.WeakLabels, dataset.Train.GoldLabels);
        if (json)
        {
            var functions = new JsonArray();
            foreach (LabelingFunctionSummary f in analysis.Functions)
            {
                functions.Add(new JsonObject
                {
                    ["name"] = f.Name,
                    ["polarity"] = new JsonArray([.. f.Polarity.Select(p => (JsonNode?)JsonValue.Create(p))]),
                    ["votes"] = f.Votes,
                    ["coverage"] = CliJson.Round(f.Coverage),
                    ["overlaps"] = CliJson.Round(f.Overlaps),
                    ["conflicts"] = CliJson.Round(f.Conflicts),
                    ["correct"] = f.Correct,
                    ["incorrect"] = f.Incorrect,
                    ["empiricalAccuracy"] = CliJson.Round(f.EmpiricalAccuracy),
                });
            }

            CliJson.Write(output, new JsonObject
            {
                ["dataset"] = dataset.Name,
                ["split"] = "train",
                ["items"] = analysis.ItemCount,
                ["coverage"] = CliJson.Round(analysis.Coverage),
                ["overlap"] = CliJson.Round(analysis.Overlap),
                ["conflict"] = CliJson.Round(analysis.Conflict),
                ["functions"] = functions,
            });
            return ExitCodes.Success;
        }

        output.WriteLine($"Dataset {dataset.Name}, train split: {analysis.ItemCount} items, {analysis.Functions.Count} labeling functions");
        output.WriteLine($"Coverage {TextTable.Format(analysis.Coverage)}, overlap {TextTable.Format(analysis.Overlap)}, conflict {TextTable.Format(analysis.Conflict)}");
        output.WriteLine();
        var table = new TextTable("function", "polarity", "coverage", "overlaps", "conflicts", "correct", "incorrect", "emp. acc.");
        foreach (LabelingFunctionSummary f in analysis.Functions)
        {
            table.Add(f.Name, "[" + string.Join(",", f.Polarity) + "]", f.Coverage, f.Overlaps, f.Conflicts, f.Correct, f.Incorrect, f.EmpiricalAccuracy);
        }

        output.Write(table.ToString());
        return ExitCodes.Success;
    }
}
