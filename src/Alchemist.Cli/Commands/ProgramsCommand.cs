using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Alchemist.Cli.Commands;

/// <summary>
/// <c>alchemist programs</c>: checks labeling programs against the sandbox (<c>check</c>), and compiles and applies
/// them to a dataset's train split under the sandbox (<c>run</c>). Hostile programs are reported, never obeyed.
/// </summary>
internal static class ProgramsCommand
{
    /// <summary>The applier settings of <c>run</c>: small chunks, so that a runaway program is quarantined after 256 items.</summary>
    internal static readonly LabelingApplierOptions ApplierOptions = new() { ChunkSize = 256, QuarantineFaultRate = 0.5, QuarantineMinimumItems = 100 };

    public static Command Create()
    {
        var command = new Command("programs", "Check labeling programs against the sandbox, or run them on a dataset under it.");
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateCheck()
    {
        var file = new Argument<string>("file") { Description = "The C# labeling program (a class with 'public static int Label(string item)').", HelpName = "FILE.cs" };
        Option<bool> json = CliOptions.Json();
        var command = new Command("check", "Check whether the sandbox accepts a labeling program; exit code 0 when it does, 3 when it rejects it.")
        {
            file, json,
        };
        command.SetAction(parsed => Check(parsed.InvocationConfiguration.Output, parsed.GetValue(file)!, parsed.GetValue(json)));
        return command;
    }

    private static Command CreateRun()
    {
        var files = new Argument<string[]>("files") { Description = "The C# labeling programs.", HelpName = "FILE.cs", Arity = ArgumentArity.OneOrMore };
        Option<string?> data = CliOptions.Data();
        Option<bool> json = CliOptions.Json();
        var command = new Command("run", "Compile labeling programs in the sandbox and apply them to the train split's texts: votes, coverage, faults, budget overruns and time per program.")
        {
            files, data, json,
        };
        command.SetAction(parsed => Run(parsed.InvocationConfiguration.Output, parsed.GetValue(files)!, parsed.GetValue(data), parsed.GetValue(json)));
        return command;
    }

    private static int Check(TextWriter output, string file, bool json)
    {
        LabelingProgram program = ReadProgram(file);
        using ProgramCompilation<string> compilation = new ProgramCompiler().Compile<string>(program);
        if (json)
        {
            CliJson.Write(output, new JsonObject
            {
                ["file"] = file,
                ["accepted"] = compilation.Succeeded,
                ["reasons"] = Reasons(compilation.Diagnostics),
            });
        }
        else
        {
            output.WriteLine($"{(compilation.Succeeded ? "accepted" : "rejected")}: {file}");
            WriteReasons(output, compilation.Diagnostics);
        }

        return compilation.Succeeded ? ExitCodes.Success : ExitCodes.Rejected;
    }

    private static int Run(TextWriter output, string[] files, string? dataDirectory, bool json)
    {
        // Read every file first, so that a typo stops the command before any program runs.
        List<(string File, LabelingProgram Program)> programs = [.. files.Select(f => (f, ReadProgram(f)))];
        WrenchDataset dataset = CliDatasets.Load(dataDirectory);
        if (dataset.Train.Texts is not { } texts || texts.Any(t => t is null))
        {
            throw new UsageException($"The dataset '{dataset.Name}' has no texts in its train split; programs label texts.");
        }

        string[] items = [.. texts.Select(t => t!)];
        var compiler = new ProgramCompiler();
        var applier = new LabelingFunctionApplier(ApplierOptions);
        var results = new List<ProgramRun>();
        foreach ((string file, LabelingProgram program) in programs)
        {
            results.Add(RunOne(compiler, applier, file, program, items, dataset.Task.ClassCount));
        }

        if (json)
        {
            var array = new JsonArray();
            foreach (ProgramRun run in results)
            {
                array.Add(run.ToJson());
            }

            CliJson.Write(output, new JsonObject
            {
                ["dataset"] = dataset.Name,
                ["split"] = "train",
                ["items"] = items.Length,
                ["programs"] = array,
            });
            return ExitCodes.Success;
        }

        output.WriteLine($"Dataset {dataset.Name}, train split: {items.Length} items, {results.Count} programs");
        output.WriteLine();
        var table = new TextTable("program", "accepted", "votes", "coverage", "faults", "overruns", "quarantined", "compile ms", "apply ms");
        foreach (ProgramRun run in results)
        {
            table.Add(run.Name, run.Accepted ? "yes" : "no", run.Votes, run.Accepted ? run.Coverage : null, run.Faults, run.BudgetOverruns,
                run.Accepted ? (run.Quarantined ? "yes" : "no") : null, Milliseconds(run.CompileMilliseconds), run.Accepted ? Milliseconds(run.ApplyMilliseconds) : null);
        }

        output.Write(table.ToString());
        foreach (ProgramRun run in results.Where(r => !r.Accepted || r.FirstFault is not null))
        {
            output.WriteLine();
            output.WriteLine(run.Accepted ? $"{run.Name}: first fault: {run.FirstFault}" : $"{run.Name} was rejected:");
            WriteReasons(output, run.Reasons);
        }

        return ExitCodes.Success;
    }

    private static ProgramRun RunOne(ProgramCompiler compiler, LabelingFunctionApplier applier, string file, LabelingProgram program, string[] items, int classCount)
    {
        long started = Stopwatch.GetTimestamp();
        using ProgramCompilation<string> compilation = compiler.Compile<string>(program);
        double compileMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (compilation.Function is not { } function)
        {
            return new ProgramRun(file, program.Name, false, compilation.Diagnostics, 0, 0, 0, 0, 0, false, null, compileMilliseconds, 0);
        }

        started = Stopwatch.GetTimestamp();
        LabelingResult result = applier.Apply(items, [function], classCount);
        double applyMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LabelingFunctionFaults faults = result.Faults[0];
        int votes = 0;
        for (int i = 0; i < result.Matrix.ItemCount; i++)
        {
            if (result.Matrix[i, 0] != Label.Abstain)
            {
                votes++;
            }
        }

        return new ProgramRun(file, program.Name, true, [], votes, items.Length == 0 ? 0 : (double)votes / items.Length, faults.Total,
            function.BudgetOverruns, function.RegexTimeoutRetries, faults.Quarantined, Shorten(faults.FirstError), compileMilliseconds, applyMilliseconds);
    }

    /// <summary>Shortens a fault message: a hostile program can throw an exception with a message of any length.</summary>
    internal static string? Shorten(string? message) => message is { Length: > 300 } ? message[..297] + "..." : message;

    private static string Milliseconds(double value) => value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    internal static LabelingProgram ReadProgram(string file)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"The program file '{file}' does not exist; give the path of a C# file.");
        }

        string source = File.ReadAllText(file);
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new UsageException($"The program file '{file}' is empty.");
        }

        return new LabelingProgram(ProgramName(file), source, new ProgramProvenance { Synthesizer = "file", Description = Path.GetFullPath(file) });
    }

    /// <summary>Names a program after its file, keeping only the characters program names allow.</summary>
    private static string ProgramName(string file)
    {
        var name = new StringBuilder();
        foreach (char c in Path.GetFileNameWithoutExtension(file))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        string result = name.ToString().TrimStart('.');
        result = result.Length == 0 ? "program" : result;
        return result.Length > 128 ? result[..128] : result;
    }

    internal static JsonArray Reasons(IEnumerable<SandboxDiagnostic> diagnostics)
    {
        var reasons = new JsonArray();
        foreach (SandboxDiagnostic d in diagnostics)
        {
            reasons.Add(new JsonObject { ["rule"] = d.Rule, ["line"] = d.Line, ["column"] = d.Column, ["message"] = d.Message });
        }

        return reasons;
    }

    internal static void WriteReasons(TextWriter output, IEnumerable<SandboxDiagnostic> diagnostics)
    {
        foreach (SandboxDiagnostic d in diagnostics)
        {
            output.WriteLine($"  {d}");
        }
    }

    /// <summary>What <c>run</c> reports for one program.</summary>
    private sealed record ProgramRun(
        string File, string Name, bool Accepted, IReadOnlyList<SandboxDiagnostic> Reasons, int Votes, double Coverage, long Faults,
        long BudgetOverruns, long RegexTimeoutRetries, bool Quarantined, string? FirstFault, double CompileMilliseconds, double ApplyMilliseconds)
    {
        public JsonObject ToJson()
        {
            var node = new JsonObject
            {
                ["file"] = File,
                ["name"] = Name,
                ["accepted"] = Accepted,
                ["votes"] = Votes,
                ["coverage"] = CliJson.Round(Coverage),
                ["faults"] = Faults,
                ["budgetOverruns"] = BudgetOverruns,
                ["regexTimeoutRetries"] = RegexTimeoutRetries,
                ["quarantined"] = Quarantined,
                ["milliseconds"] = Math.Round(CompileMilliseconds + ApplyMilliseconds, 3),
                ["compileMilliseconds"] = Math.Round(CompileMilliseconds, 3),
                ["applyMilliseconds"] = Math.Round(ApplyMilliseconds, 3),
                ["reasons"] = ProgramsCommand.Reasons(Reasons),
            };
            if (FirstFault is not null)
            {
                node["firstFault"] = FirstFault;
            }

            return node;
        }
    }
}
