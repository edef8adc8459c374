using System.CommandLine;
using System.Text.Json.Nodes;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist analyze</c>: the labeling-function analysis (polarity, coverage, overlaps, conflicts, empirical accuracy)
/// of the train split's own votes, or, with <c>--programs DIR</c>, of a folder of programs compiled and applied in the
/// sandbox to a dataset (<c>--data</c>) or the user's own file (<c>--input</c>); see <see cref="AnalyzePrograms"/>.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        Option<string?> data = CliOptions.Data();
        var input = new RunInput();
        input.Input.Description = "With --programs: your own items instead of --data, a .csv file with a header or a .jsonl file with one object per line; every row is analysed, and rows with a label give the programs' accuracy.";
        Option<string?> programs = new("--programs")
        {
            Description = "Analyse the programs of a folder instead of the dataset's own votes: a program library (library.json, as run and synthesize write) or C# files (*.cs), compiled and applied in the sandbox.",
            HelpName = "DIR",
        };
        Option<bool> json = CliOptions.Json();
        var command = new Command("analyze", "Show each labeling function's polarity, coverage, overlaps, conflicts and empirical accuracy on the train split, or those of a folder of programs (--programs).")
        {
            data,
        };

        // --input and its fields, as 'run' reads them; the fields a run alone needs (ids, task, test file) are left out.
        foreach (Option option in new Option[] { input.Input, input.TextField, input.LabelField, input.Classes, programs, json })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            input.Validate(result, data);
            if (result.GetResult(input.Input) is not null && result.GetResult(programs) is null)
            {
                result.AddError("--input has no votes of its own to analyse; add --programs DIR to analyse programs on it.");
            }
        });
        command.SetAction(parsed =>
        {
            TextWriter output = parsed.InvocationConfiguration.Output;
            if (parsed.GetValue(programs) is not { } folder)
            {
                return Execute(output, parsed.GetValue(data), parsed.GetValue(json));
            }

            RunInput.Settings? own = parsed.GetValue(input.Input) is { } file
                ? new RunInput.Settings(file, parsed.GetValue(input.TextField)!, parsed.GetValue(input.LabelField)!, "id", parsed.GetValue(input.Classes)!, null, null)
                : null;
            return AnalyzePrograms.Execute(output, parsed.InvocationConfiguration.Error, folder, parsed.GetValue(data), own, parsed.GetValue(json));
        });
        return command;
    }

    private static int Execute(TextWriter output, string? dataDirectory, bool json)
    {
        WrenchDataset dataset = CliDatasets.Load(dataDirectory);
        LabelingFunctionAnalysis analysis = LabelingFunctionAnalysis.Analyze(dataset.Train.WeakLabels, dataset.Train.GoldLabels);
        if (json)
        {
            CliJson.Write(output, ToJson(dataset.Name, "train", analysis, (_, _) => { }));
            return ExitCodes.Success;
        }

        output.WriteLine($"Dataset {dataset.Name}, train split: {analysis.ItemCount} items, {analysis.Functions.Count} labeling functions");
        WriteTable(output, analysis, [], (_, _) => []);
        return ExitCodes.Success;
    }

    /// <summary>The analysis as JSON: <c>dataset</c>, <c>split</c>, <c>items</c>, <c>coverage</c>, <c>overlap</c>, <c>conflict</c>, <c>functions[]</c>.</summary>
    /// <param name="dataset">The dataset's name.</param>
    /// <param name="split">The split analysed.</param>
    /// <param name="analysis">The analysis.</param>
    /// <param name="addFigures">Adds a command's own figures to a function's object.</param>
    internal static JsonObject ToJson(string dataset, string split, LabelingFunctionAnalysis analysis, Action<LabelingFunctionSummary, JsonObject> addFigures)
    {
        var functions = new JsonArray();
        foreach (LabelingFunctionSummary f in analysis.Functions)
        {
            var function = new JsonObject
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
            };
            addFigures(f, function);
            functions.Add(function);
        }

        return new JsonObject
        {
            ["dataset"] = dataset,
            ["split"] = split,
            ["items"] = analysis.ItemCount,
            ["coverage"] = CliJson.Round(analysis.Coverage),
            ["overlap"] = CliJson.Round(analysis.Overlap),
            ["conflict"] = CliJson.Round(analysis.Conflict),
            ["functions"] = functions,
        };
    }

    /// <summary>Writes the totals and the table of functions, with a command's own columns after the shared ones.</summary>
    internal static void WriteTable(TextWriter output, LabelingFunctionAnalysis analysis, string[] extraColumns, Func<LabelingFunctionSummary, int, object?[]> extraCells)
    {
        output.WriteLine($"Coverage {TextTable.Format(analysis.Coverage)}, overlap {TextTable.Format(analysis.Overlap)}, conflict {TextTable.Format(analysis.Conflict)}");
        output.WriteLine();
        var table = new TextTable(["function", "polarity", "coverage", "overlaps", "conflicts", "correct", "incorrect", "emp. acc.", .. extraColumns]);
        foreach ((LabelingFunctionSummary f, int column) in analysis.Functions.Select((f, i) => (f, i)))
        {
            table.Add([f.Name, "[" + string.Join(",", f.Polarity) + "]", f.Coverage, f.Overlaps, f.Conflicts, f.Correct, f.Incorrect, f.EmpiricalAccuracy, .. extraCells(f, column)]);
        }

        output.Write(table.ToString());
    }
}
