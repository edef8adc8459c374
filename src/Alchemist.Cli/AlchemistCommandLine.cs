using System.CommandLine;
using Alchemist.Cli.Commands;

namespace Alchemist.Cli;

/// <summary>The alchemist command line: builds the commands and runs them with exit codes scripts can rely on.</summary>
internal static class AlchemistCommandLine
{
    /// <summary>Runs the command line with the given writers, so that tests can run it in-process.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="context">The environment and clock; the process's when <see langword="null"/>.</param>
    /// <returns>0 on success, 2 for bad arguments or bad input, other codes as each command documents.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, CliContext? context = null)
    {
        RootCommand root = Build(context ?? CliContext.Default);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }

            error.WriteLine("Run 'alchemist --help' for usage.");
            return ExitCodes.BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("error: canceled.");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("alchemist: programmatic data labeling with LLM-written, sandboxed labeling programs and weak supervision.");
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(LabelCommand.Create(context));
        root.Subcommands.Add(SynthesizeCommand.Create(context));
        root.Subcommands.Add(ProgramsCommand.Create());
        return root;
    }

    private static bool IsBadInput(Exception ex) =>
        ex is UsageException or DataFormatException or FileNotFoundException or DirectoryNotFoundException or ArgumentException;
}
