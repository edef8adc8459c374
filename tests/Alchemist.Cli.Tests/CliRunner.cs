using System.Text.Json;

namespace Alchemist.Cli.Tests;

/// <summary>Runs the alchemist command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args) => Run(CliContext.Default, args);

    /// <summary>Runs the command line with the given environment and clock.</summary>
    public static (int ExitCode, string Output, string Error) Run(CliContext context, params string[] args)
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

    public static JsonElement RunJson(params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.True(code == 0, $"exit {code}: {error}");
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
