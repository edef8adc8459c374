using System.Text.RegularExpressions;
using Alchemist.Tests.Shared;

namespace Alchemist.Tests.Docs;

/// <summary>
/// Every C# block of the docs marked <c>&lt;!-- snippet: name --&gt;</c> is, word for word, a region of
/// tests/Alchemist.Docs.Examples, which compiles against the public API only and whose code the other tests here run.
/// </summary>
public partial class DocsSnippetTests
{
    public static TheoryData<string, string> MarkedBlocks()
    {
        var data = new TheoryData<string, string>();
        foreach (string page in Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (Match match in MarkedBlock().Matches(File.ReadAllText(page)))
            {
                data.Add(Path.GetRelativePath(TestData.RepositoryRoot, page).Replace('\\', '/'), match.Groups["name"].Value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarkedBlocks))]
    public void MarkedBlock_IsARegionOfTheCompiledExamples(string page, string name)
    {
        Match block = MarkedBlock().Matches(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, page))).Single(m => m.Groups["name"].Value == name);
        Assert.True(Regions().TryGetValue(name, out string? region), $"{page} shows snippet '{name}', which no file of tests/Alchemist.Docs.Examples marks.");
        Assert.Equal(Dedent(region), Dedent(block.Groups["code"].Value));
    }

    [Fact]
    public void EveryRegion_IsShownByAPage()
    {
        var shown = MarkedBlocks().Select(row => (string)row[1]).ToHashSet(StringComparer.Ordinal);
        Assert.All(Regions().Keys, name => Assert.Contains(name, shown));
        Assert.Contains("label-model", shown);
        Assert.Contains("synthesizer", shown);
        Assert.Contains("end-model", shown);
        Assert.Contains("functions", shown);
        Assert.Contains("getting-started", shown);
    }

    private static Dictionary<string, string> Regions()
    {
        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot, "tests", "Alchemist.Docs.Examples"), "*.cs"))
        {
            foreach (Match match in Region().Matches(File.ReadAllText(file)))
            {
                regions.Add(match.Groups["name"].Value, match.Groups["code"].Value);
            }
        }

        return regions;
    }

    private static string Dedent(string code)
    {
        string[] lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n').Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart(' ').Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    [GeneratedRegex(@"<!-- snippet: (?<name>[\w-]+) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();

    [GeneratedRegex(@"// <snippet:(?<name>[\w-]+)>\n(?<code>.*?)^\s*// </snippet>", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Region();
}
