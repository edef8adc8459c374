namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>Programs and hosts shared by the worker tests.</summary>
internal static class WorkerTestPrograms
{
    public static readonly LabelingTask SpamTask = new("spam", "Spam or ham?", ["ham", "spam"]);

    /// <summary>Realistic programs over strings: keyword, regex, length, and ones that fault in the ways the first wall contains.</summary>
    public static readonly Dictionary<string, string> Strings = new()
    {
        ["a-link"] = "using System.Text.RegularExpressions; public static class P { private static readonly Regex Link = new(@\"https?://|www\\.\", RegexOptions.IgnoreCase); public static int Label(string t) => Link.IsMatch(t) ? 1 : -1; }",
        ["b-subscribe"] = "public static class P { public static int Label(string t) => t.Contains(\"subscribe\", StringComparison.OrdinalIgnoreCase) || t.Contains(\"my channel\", StringComparison.OrdinalIgnoreCase) ? 1 : -1; }",
        ["c-short"] = "public static class P { public static int Label(string t) => t.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < 5 ? 0 : -1; }",
        ["d-song"] = "public static class P { private static readonly string[] Words = [\"song\", \"love\", \"best\", \"music\"]; public static int Label(string t) { int hits = 0; foreach (string w in Words) { if (t.Contains(w, StringComparison.OrdinalIgnoreCase)) { hits++; } } return hits >= 1 ? 0 : -1; } }",
        ["e-throws-on-tens"] = "public static class P { public static int Label(string t) => t.Length % 10 == 0 ? throw new InvalidOperationException(\"tens: \" + t.Length) : -1; }",
        ["f-bad-vote"] = "public static class P { public static int Label(string t) => t.Length % 7 == 0 ? 7 : -1; }",
        ["g-loops-on-long"] = "public static class P { public static int Label(string t) { if (t.Length < 20) { return -1; } while (true) { } } }",
        ["h-long-message"] = "public static class P { public static int Label(string t) => t.Length % 13 == 0 ? throw new ArgumentException(new string('m', 2000)) : -1; }",
    };

    public static LabelingProgram Program(string name, string source) => new(name, source, new ProgramProvenance { Synthesizer = "test" });

    public static LabelingProgram[] Programs(Dictionary<string, string> sources) => [.. sources.Select(s => Program(s.Key, s.Value))];

    /// <summary>The test budgets of the sandbox tests, and a regex timeout no busy test machine reaches by pausing a thread.</summary>
    public static SandboxOptions Options => new() { StepBudget = 250_000, MaxAllocatedBytes = 64L * 1024 * 1024, RegexMatchTimeout = TimeSpan.FromSeconds(5) };

    public static WorkerHostOptions HostOptions(bool uncheckedPrograms = false, int workers = 2) => new()
    {
        Sandbox = Options.Snapshot(),
        WorkerCount = workers,
        UncheckedProgramsForTests = uncheckedPrograms,
    };
}
