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
    /// <param name="cancellationToken">Cancels the command as Ctrl-C does (which cancels it too).</param>
    /// <returns>0 on success, 2 for bad arguments or bad input, 130 when cancelled, other codes as each command documents (see <see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, CliContext? context = null, CancellationToken cancellationToken = default)
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
            // Ctrl-C cancels the command's token; a command that does not stop within the termination timeout exits with
            // 130 too (System.CommandLine's code for SIGINT), so both ways give ExitCodes.Canceled.
            return parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (IsBadInput(ex))
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("error: canceled.");
            return ExitCodes.Canceled;
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
        root.Subcommands.Add(SiloCommand.Create());
        return root;
    }

    private static bool IsBadInput(Exception ex) =>
        ex is UsageException or DataFormatException or FileNotFoundException or DirectoryNotFoundException or ArgumentException;
}
