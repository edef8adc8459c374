namespace Alchemist.Benchmarks;

/// <summary>Parses the arguments the figure harnesses share: a mode, dataset names, then <c>--name value</c> options.</summary>
internal static class FigureArguments
{
    /// <summary>Gets the dataset names after the mode, up to the first option, or <paramref name="defaults"/> when none is given.</summary>
    public static List<string> Datasets(string[] args, params string[] defaults)
    {
        List<string> datasets = [.. args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))];
        return datasets.Count == 0 ? [.. defaults] : datasets;
    }

    /// <summary>Gets the options: <c>--name value</c>, or <c>--name</c> alone for <c>true</c>; names ignore case.</summary>
    public static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            }
        }

        return options;
    }
}
