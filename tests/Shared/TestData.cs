using Alchemist;

namespace Alchemist.Tests.Shared;

/// <summary>Finds the repository's copies of the WRENCH datasets (data/wrench), so tests never depend on files outside the repo.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Dictionary<string, WrenchDataset> Cache = [];

    public static string RepositoryRoot => Root.Value;

    public static string DatasetPath(string name) => Path.Combine(Root.Value, "data", "wrench", name);

    /// <summary>Loads a dataset once per test run; datasets are immutable, so sharing is safe.</summary>
    public static WrenchDataset Load(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out WrenchDataset? dataset))
            {
                dataset = WrenchDataset.Load(DatasetPath(name));
                Cache[name] = dataset;
            }

            return dataset;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Alchemist.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (Alchemist.Core.sln) above " + AppContext.BaseDirectory);
    }
}
