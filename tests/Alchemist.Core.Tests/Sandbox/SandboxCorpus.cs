namespace Alchemist.Tests.Sandbox;

/// <summary>Reads the corpora of labeling programs under Sandbox/Corpus: each file is a program whose header comments say what to expect.</summary>
/// <remarks>
/// Header lines: <c>// good: ...</c> or <c>// hostile: ...</c> (a description); <c>// sample: LABEL &lt;= TEXT</c> (a good program
/// must vote LABEL on TEXT); <c>// expect: rejected RULE [LINE]</c>, <c>// expect: overrun [KIND]</c>, <c>// expect: throws TYPE</c> or
/// <c>// expect: overruns</c> (what the sandbox must do with a hostile program); <c>// input: TEXT</c> (the item a runtime attack gets).
/// </remarks>
internal sealed record CorpusProgram(string Name, string Source, string Description, IReadOnlyList<(int Label, string Text)> Samples, IReadOnlyList<string[]> Expectations, string Input)
{
    public static string Directory(string corpus) => Path.Combine(AppContext.BaseDirectory, "Sandbox", "Corpus", corpus);

    public static IEnumerable<string> Names(string corpus) =>
        System.IO.Directory.EnumerateFiles(Directory(corpus), "*.cs").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static CorpusProgram Load(string corpus, string name)
    {
        string source = File.ReadAllText(Path.Combine(Directory(corpus), name + ".cs"));
        string description = "";
        string input = "x";
        var samples = new List<(int, string)>();
        var expectations = new List<string[]>();
        foreach (string line in source.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)))
        {
            string body = line[2..].Trim();
            int colon = body.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string key = body[..colon];
            string value = body[(colon + 1)..].Trim();
            switch (key)
            {
                case "good" or "hostile":
                    description = value;
                    break;
                case "sample":
                    int arrow = value.IndexOf("<=", StringComparison.Ordinal);
                    samples.Add((int.Parse(value[..arrow].Trim(), System.Globalization.CultureInfo.InvariantCulture), value[(arrow + 2)..].Trim()));
                    break;
                case "expect":
                    expectations.Add(value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "input":
                    input = value;
                    break;
                default:
                    break;
            }
        }

        return new CorpusProgram(name, source, description, samples, expectations, input);
    }
}
