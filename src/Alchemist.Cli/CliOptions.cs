using System.CommandLine;

namespace Alchemist.Cli;

/// <summary>The options several commands share, so that they are spelled and described the same everywhere.</summary>
internal static class CliOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "A WRENCH-format dataset folder (label.json, train.json, valid.json, test.json); the embedded YouTube dataset when left out.",
        HelpName = "DIR",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON object on stdout instead of a table.",
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "The seed of every random choice, such as tie-breaks.",
        DefaultValueFactory = _ => 0,
        HelpName = "N",
    };

    public static Option<string> LabelModel(string defaultName) => new("--label-model")
    {
        Description = "The label model that aggregates the votes.",
        DefaultValueFactory = _ => defaultName,
        HelpName = "NAME",
    };
}
