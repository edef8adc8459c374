namespace Alchemist.Tests.Synthesis;

/// <summary>Tasks, replies and a fake validator shared by the synthesis tests.</summary>
internal static class SynthesisTestData
{
    public static readonly LabelingTask SpamTask = new("youtube-spam", "Is a YouTube comment spam (self-promotion, links, requests to subscribe) or ham (a genuine comment)?", ["ham", "spam"]);

    public const string GoodProgram = """
        public static class CheckOutProgram
        {
            public static int Label(string item) => item.Contains("check out", System.StringComparison.OrdinalIgnoreCase) ? 1 : -1;
        }
        """;

    public const string BrokenProgram = """
        public static class Broken
        {
            public static int Label(string item) => undefinedThing ? 1 : -1;
        }
        """;

    public static string Fenced(string code) => $"Here is the program.\n```csharp\n{code}\n```\nIt looks for self-promotion.";

    public static IReadOnlyList<LabeledExample<string>> Examples { get; } =
    [
        new("Check out my channel!", 1),
        new("Subscribe to me for free iPhones", 1),
        new("http://spam.example.com visit now", 1),
        new("This song brings back memories", 0),
        new("Love this video so much", 0),
        new("Who is listening in 2015?", 0),
    ];
}

/// <summary>A validator that rejects programs holding a marker, with fixed messages, and records what it saw.</summary>
internal sealed class MarkerValidator(string marker = "undefinedThing") : IProgramValidator
{
    private readonly List<LabelingProgram> _seen = [];

    public IReadOnlyList<LabelingProgram> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public ValueTask<ProgramValidation> ValidateAsync(LabelingProgram program, CancellationToken cancellationToken = default)
    {
        lock (_seen)
        {
            _seen.Add(program);
        }

        return ValueTask.FromResult(program.Source.Contains(marker, StringComparison.Ordinal)
            ? ProgramValidation.Invalid($"line 3, column 45: [CS0103] The name '{marker}' does not exist in the current context")
            : ProgramValidation.Valid);
    }
}
