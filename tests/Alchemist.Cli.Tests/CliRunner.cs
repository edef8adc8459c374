using System.Text.Json;

namespace Alchemist.Cli.Tests;

/// <summary>Runs the alchemist command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = AlchemistCommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public static JsonElement RunJson(params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.True(code == 0, $"exit {code}: {error}");
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
