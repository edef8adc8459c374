using System.Text.Json;

namespace Alchemist.Cli.Tests;

/// <summary>Runs the alchemist command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    /// <summary>
    /// Runs the command line; a <c>run</c> that does not name <c>--end-model-choice</c> gets <c>--end-model-choice off</c>:
    /// the final check re-runs the pipeline five times and has tests of its own, which run the command as given
    /// (<see cref="RunAsGiven(string[])"/>: the defaults in RunCommandTests and StreamedRunCommandTests, the option in
    /// EndModelChoiceOptionTests).
    /// </summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] args) => RunAsGiven(CliContext.Default, WithoutCheck(args));

    /// <summary>Runs the command line with the given environment and clock; a <c>run</c> without the final check, as <see cref="Run(string[])"/>.</summary>
    public static (int ExitCode, string Output, string Error) Run(CliContext context, params string[] args) => RunAsGiven(context, WithoutCheck(args));

    /// <summary>Runs the command line with exactly the given arguments.</summary>
    public static (int ExitCode, string Output, string Error) RunAsGiven(params string[] args) => RunAsGiven(CliContext.Default, args);

    /// <summary>Runs the command line with the given environment and clock and exactly the given arguments.</summary>
    public static (int ExitCode, string Output, string Error) RunAsGiven(CliContext context, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = AlchemistCommandLine.Run(args, output, error, context);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Writes (once) a WRENCH folder with the first items of each YouTube split (300 train, 60 valid, 100 test) under
    /// <paramref name="root"/>, so that a whole run takes a second or two; returns its path.
    /// </summary>
    public static string SmallYouTube(string root)
    {
        string folder = Path.Combine(root, "youtube-small");
        if (Directory.Exists(folder))
        {
            return folder;
        }

        Directory.CreateDirectory(folder);
        string source = Alchemist.Tests.Shared.TestData.DatasetPath("youtube");
        File.Copy(Path.Combine(source, "label.json"), Path.Combine(folder, "label.json"));
        foreach ((string split, int count) in new[] { ("train", 300), ("valid", 60), ("test", 100) })
        {
            using JsonDocument all = JsonDocument.Parse(File.ReadAllText(Path.Combine(source, split + ".json")));
            var kept = new System.Text.Json.Nodes.JsonObject();
            foreach (JsonProperty item in all.RootElement.EnumerateObject().Take(count))
            {
                kept[item.Name] = System.Text.Json.Nodes.JsonNode.Parse(item.Value.GetRawText());
            }

            File.WriteAllText(Path.Combine(folder, split + ".json"), kept.ToJsonString());
        }

        return folder;
    }

    /// <summary>Runs the command line (as <see cref="Run(string[])"/>) and parses what it printed.</summary>
    public static JsonElement RunJson(params string[] args) => Parsed(Run(args));

    /// <summary>Runs the command line with exactly the given arguments and parses what it printed.</summary>
    public static JsonElement RunJsonAsGiven(params string[] args) => Parsed(RunAsGiven(args));

    private static string[] WithoutCheck(string[] args) =>
        args is ["run", ..] && !args.Contains("--end-model-choice") ? [.. args, "--end-model-choice", "off"] : args;

    private static JsonElement Parsed((int ExitCode, string Output, string Error) result)
    {
        (int code, string output, string error) = result;
        Assert.True(code == 0, $"exit {code}: {error}");
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
