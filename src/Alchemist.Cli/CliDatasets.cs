using System.Reflection;

namespace Alchemist.Cli;

/// <summary>Loads the dataset a command works on: a WRENCH-format folder, or the embedded YouTube dataset.</summary>
internal static class CliDatasets
{
    /// <summary>The name of the embedded default dataset.</summary>
    public const string EmbeddedName = "youtube";

    /// <summary>Loads <paramref name="directory"/>, or the embedded dataset when it is <see langword="null"/>.</summary>
    public static WrenchDataset Load(string? directory)
    {
        if (directory is null)
        {
            return LoadEmbedded();
        }

        if (!Directory.Exists(directory))
        {
            throw new UsageException($"The dataset folder '{directory}' does not exist. Give a WRENCH-format folder (label.json, train.json, valid.json, test.json), or leave out --data for the embedded YouTube dataset.");
        }

        return WrenchDataset.Load(directory);
    }

    /// <summary>Loads the embedded YouTube spam dataset (WRENCH; CC BY 4.0, Alberto et al., ICMLA 2015).</summary>
    public static WrenchDataset LoadEmbedded()
    {
        Assembly assembly = typeof(CliDatasets).Assembly;
        return WrenchDataset.Load(EmbeddedName, file => assembly.GetManifestResourceStream($"{EmbeddedName}/{file}"), displayRoot: "embedded:youtube");
    }

    /// <summary>Gets the split a command needs, or explains that the dataset lacks it.</summary>
    public static WrenchSplit Require(WrenchDataset dataset, WrenchSplit? split, string name) =>
        split ?? throw new UsageException($"The dataset '{dataset.Name}' has no {name}.json; this command needs it.");
}
