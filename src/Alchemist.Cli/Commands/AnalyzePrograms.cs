using System.Text.Json.Nodes;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist analyze --programs DIR</c>: compiles a folder's programs in the sandbox (as <c>alchemist programs run</c>
/// does: in this process, with the sandbox's checks, step budgets and the applier's quarantine), applies the accepted
/// ones to the items and prints the analysis <c>analyze</c> prints for a dataset's own votes, with each program's faults
/// and, for a WRENCH folder, its coverage and accuracy on the dev split. A program the sandbox rejects is reported with
/// its rules and the others are analysed; when every program is rejected the command exits with 3.
/// </summary>
internal static class AnalyzePrograms
{
    public static int Execute(TextWriter output, TextWriter error, string folder, string? dataDirectory, RunInput.Settings? input, bool json)
    {
        // Read the data and every program before compiling any, so that a typo stops the command before work starts.
        Items data = input is null ? Items.FromWrench(CliDatasets.Load(dataDirectory)) : Items.FromInput(input);
        List<(string File, LabelingProgram Program)> programs = Load(folder, data.Task);

        var compiler = new ProgramCompiler();
        var compilations = new List<ProgramCompilation<string>>();
        try
        {
            var accepted = new List<(string File, SandboxedLabelingFunction<string> Function)>();
            var rejected = new List<(string File, ProgramCompilation<string> Compilation)>();
            foreach ((string file, LabelingProgram program) in programs)
            {
                ProgramCompilation<string> compilation = compiler.Compile<string>(program);
                compilations.Add(compilation);
                if (compilation.Function is { } function)
                {
                    accepted.Add((file, function));
                }
                else
                {
                    rejected.Add((file, compilation));
                }
            }

            Applied? train = null;
            Applied? dev = null;
            if (accepted.Count > 0)
            {
                ILabelingFunction<string>[] functions = [.. accepted.Select(a => a.Function)];
                var applier = new LabelingFunctionApplier(ProgramsCommand.ApplierOptions);
                train = Applied.Run(applier, functions, data.Task, data.Texts, data.Gold);
                dev = data.Dev is { } d ? Applied.Run(applier, functions, data.Task, d.Texts, d.Gold) : null;
            }

            if (json)
            {
                CliJson.Write(output, ToJson(folder, data, accepted, rejected, train, dev));
            }
            else
            {
                WriteText(output, folder, data, programs.Count, accepted, rejected, train, dev);
            }

            if (accepted.Count == 0)
            {
                error.WriteLine($"error: the sandbox rejected every program in '{folder}' ({rejected.Count}); nothing was analysed. Its reasons are listed with each program.");
                return ExitCodes.Rejected;
            }

            if (rejected.Count > 0)
            {
                error.WriteLine($"warning: the sandbox rejected {rejected.Count} of {programs.Count} programs in '{folder}' ({string.Join(", ", rejected.Select(r => r.Compilation.Program.Name))}); the other {accepted.Count} are analysed.");
            }

            return ExitCodes.Success;
        }
        finally
        {
            foreach (ProgramCompilation<string> compilation in compilations)
            {
                compilation.Dispose();
            }
        }
    }

    /// <summary>Reads the programs of a folder: a program library (its manifest's order), or else its <c>*.cs</c> files (in name order).</summary>
    /// <exception cref="UsageException">The folder does not exist, holds no program, or is a library of another number of classes.</exception>
    internal static List<(string File, LabelingProgram Program)> Load(string folder, LabelingTask task)
    {
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"The program folder '{folder}' does not exist; give a program library (such as a run's programs/ folder) or a folder of C# files (*.cs).");
        }

        List<(string File, LabelingProgram Program)> programs;
        if (File.Exists(Path.Combine(folder, ProgramLibrary.ManifestFileName)))
        {
            ProgramLibrary library = ProgramLibrary.Load(folder);
            if (library.Task is { } libraryTask && libraryTask.ClassCount != task.ClassCount)
            {
                throw new UsageException(
                    $"The program library '{folder}' was written for {libraryTask.ClassCount} classes ({string.Join(", ", libraryTask.ClassNames)}), and the data has {task.ClassCount} ({string.Join(", ", task.ClassNames)}); its votes would not mean the data's classes.");
            }

            programs = [.. library.Programs.Select(p => (Path.Combine(folder, ProgramLibrary.SourceFileName(p.Name)), p))];
        }
        else
        {
            programs = [.. Directory.GetFiles(folder, "*.cs").Order(StringComparer.Ordinal).Select(f => (f, ProgramsCommand.ReadProgram(f)))];
        }

        if (programs.Count == 0)
        {
            throw new UsageException($"The folder '{folder}' holds no program; give a program library (library.json, as run and synthesize write) or a folder of C# files (*.cs).");
        }

        return programs;
    }

    private static JsonObject ToJson(
        string folder, Items data, List<(string File, SandboxedLabelingFunction<string> Function)> accepted, List<(string File, ProgramCompilation<string> Compilation)> rejected, Applied? train, Applied? dev)
    {
        JsonObject json = train is null
            ? new JsonObject { ["dataset"] = data.Name, ["split"] = data.Split, ["items"] = data.Texts.Length, ["coverage"] = null, ["overlap"] = null, ["conflict"] = null, ["functions"] = new JsonArray() }
            : AnalyzeCommand.ToJson(data.Name, data.Split, train.Analysis, (f, node) =>
            {
                LabelingFunctionFaults faults = train.Faults[f.Index];
                node["file"] = accepted[f.Index].File;
                node["faults"] = faults.Total;
                node["quarantined"] = faults.Quarantined;
                if (faults.FirstError is { } first)
                {
                    node["firstFault"] = ProgramsCommand.Shorten(first);
                }

                if (dev is not null)
                {
                    LabelingFunctionSummary d = dev.Analysis.Functions[f.Index];
                    node["devCoverage"] = CliJson.Round(d.Coverage);
                    node["devAccuracy"] = CliJson.Round(d.EmpiricalAccuracy);
                }
            });
        json["programs"] = folder;
        json["labeledItems"] = data.Gold.Count(g => g >= 0);
        json["devItems"] = data.Dev?.Texts.Length;
        var rejections = new JsonArray();
        foreach ((string file, ProgramCompilation<string> compilation) in rejected)
        {
            rejections.Add(new JsonObject { ["name"] = compilation.Program.Name, ["file"] = file, ["reasons"] = ProgramsCommand.Reasons(compilation.Diagnostics) });
        }

        json["rejected"] = rejections;
        return json;
    }

    private static void WriteText(
        TextWriter output,
        string folder,
        Items data,
        int programCount,
        List<(string File, SandboxedLabelingFunction<string> Function)> accepted,
        List<(string File, ProgramCompilation<string> Compilation)> rejected,
        Applied? train,
        Applied? dev)
    {
        string labeled = data.Dev is { } d ? $", {d.Texts.Length} dev items" : $", {data.Gold.Count(g => g >= 0)} labeled";
        output.WriteLine($"Dataset {data.Name}, {data.Split} split: {data.Texts.Length} items{labeled}; {programCount} programs from {folder}, {rejected.Count} rejected by the sandbox");
        if (train is not null)
        {
            string[] extra = dev is null ? ["faults"] : ["faults", "dev cov.", "dev acc."];
            AnalyzeCommand.WriteTable(output, train.Analysis, extra, (_, column) => dev is null
                ? [train.Faults[column].Total]
                : [train.Faults[column].Total, dev.Analysis.Functions[column].Coverage, dev.Analysis.Functions[column].EmpiricalAccuracy]);
            foreach ((LabelingFunctionFaults faults, int column) in train.Faults.Select((f, i) => (f, i)).Where(f => f.f.FirstError is not null))
            {
                output.WriteLine();
                output.WriteLine($"{accepted[column].Function.Name}: {faults.Total} fault(s){(faults.Quarantined ? ", quarantined" : string.Empty)}; first fault: {ProgramsCommand.Shorten(faults.FirstError)}");
            }
        }

        foreach ((string file, ProgramCompilation<string> compilation) in rejected)
        {
            output.WriteLine();
            output.WriteLine($"{compilation.Program.Name} ({file}) was rejected by the sandbox:");
            ProgramsCommand.WriteReasons(output, compilation.Diagnostics);
        }
    }

    /// <summary>The texts programs are applied to, with gold labels (-1 where unknown) and a dev split when there is one.</summary>
    private sealed record Items(string Name, string Split, LabelingTask Task, string[] Texts, int[] Gold, (string[] Texts, int[] Gold)? Dev)
    {
        public static Items FromWrench(WrenchDataset dataset)
        {
            if (!dataset.Train.HasText)
            {
                throw new UsageException($"The dataset '{dataset.Name}' has no item texts in train.json; programs label texts.");
            }

            (string[], int[])? dev = dataset.Valid is { HasText: true } valid ? ([.. valid.Texts.Select(t => t!)], [.. valid.GoldLabels]) : null;
            return new Items(dataset.Name, "train", dataset.Task, [.. dataset.Train.Texts.Select(t => t!)], [.. dataset.Train.GoldLabels], dev);
        }

        public static Items FromInput(RunInput.Settings input)
        {
            (LabelingTask task, IReadOnlyList<TextItem> rows) = RunInput.ReadRows(input);
            return new Items(task.Name, "input", task, [.. rows.Select(r => r.Text)], [.. rows.Select(r => r.Label ?? Label.Abstain)], null);
        }
    }

    /// <summary>The votes of the accepted programs on one set of texts, with their analysis and faults.</summary>
    private sealed record Applied(LabelingFunctionAnalysis Analysis, IReadOnlyList<LabelingFunctionFaults> Faults)
    {
        public static Applied Run(LabelingFunctionApplier applier, ILabelingFunction<string>[] functions, LabelingTask task, string[] texts, int[] gold)
        {
            LabelingResult result = applier.Apply(texts, functions, task.ClassCount);
            return new Applied(LabelingFunctionAnalysis.Analyze(result.Matrix, gold), result.Faults);
        }
    }
}
