namespace Alchemist.Tests.Synthesis;

public class ProgramPromptsTests
{
    [Fact]
    public void System_StatesTheFormatSignatureRulesAndReplyShape()
    {
        var prompts = new ProgramPrompts<string>(new SynthesisRequest<string>(SynthesisTestData.SpamTask), new ChatSynthesizerOptions());
        Assert.Contains("public static int Label(string item)", prompts.System, StringComparison.Ordinal);
        Assert.Contains("abstains (returns -1) otherwise", prompts.System, StringComparison.Ordinal);
        Assert.Contains("Never use files, network, processes, environment, reflection", prompts.System, StringComparison.Ordinal);
        Assert.Contains("one ```csharp code block", prompts.System, StringComparison.Ordinal);
    }

    [Fact]
    public void ForSlot_StatesTaskClassesAbstainAndSignature()
    {
        var prompts = new ProgramPrompts<string>(new SynthesisRequest<string>(SynthesisTestData.SpamTask) { ProgramCount = 4 }, new ChatSynthesizerOptions());
        (string text, int focus, int count) = prompts.ForSlot(1, priorKnowledge: null);

        Assert.Contains("Task: youtube-spam\nIs a YouTube comment spam", text, StringComparison.Ordinal);
        Assert.Contains("  0 = ham\n  1 = spam\n  -1 = abstain (not sure)\n", text, StringComparison.Ordinal);
        Assert.Contains("Each item is a string (the text to label). The program declares:\n    public static int Label(string item)", text, StringComparison.Ordinal);
        Assert.Contains("Write program 2 of 4. Focus on recognizing class spam (1)", text, StringComparison.Ordinal);
        Assert.Equal(1, focus);
        Assert.Equal(0, count);
        Assert.DoesNotContain("Labeled examples", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ForSlot_FocusCyclesOverTheClasses()
    {
        var prompts = new ProgramPrompts<string>(new SynthesisRequest<string>(SynthesisTestData.SpamTask), new ChatSynthesizerOptions());
        Assert.Equal([0, 1, 0, 1, 0], Enumerable.Range(0, 5).Select(s => prompts.ForSlot(s, null).FocusClass));
    }

    [Fact]
    public void ForSlot_Examples_AreBalancedQuotedAndVaryBySlot()
    {
        var request = new SynthesisRequest<string>(SynthesisTestData.SpamTask) { Examples = SynthesisTestData.Examples };
        var prompts = new ProgramPrompts<string>(request, new ChatSynthesizerOptions { ExamplesPerPrompt = 4 });

        (string slot0, _, int count0) = prompts.ForSlot(0, null);
        Assert.Equal(4, count0);
        Assert.Equal(2, CountOccurrences(slot0, "- [ham (0)] \""));
        Assert.Equal(2, CountOccurrences(slot0, "- [spam (1)] \""));

        // Slot 1 focuses on spam and starts its round robin there.
        string slot1 = prompts.ForSlot(1, null).Text;
        int firstSpam = slot1.IndexOf("- [spam (1)]", StringComparison.Ordinal);
        int firstHam = slot1.IndexOf("- [ham (0)]", StringComparison.Ordinal);
        Assert.True(firstSpam < firstHam);

        // Different slots see different subsets, and the same slot always sees the same one.
        string[] subsets = [.. Enumerable.Range(0, 8).Select(s => ExampleLines(prompts.ForSlot(s, null).Text))];
        Assert.True(subsets.Distinct().Count() > 1);
        Assert.Equal(prompts.ForSlot(3, null).Text, new ProgramPrompts<string>(request, new ChatSynthesizerOptions { ExamplesPerPrompt = 4 }).ForSlot(3, null).Text);
    }

    [Fact]
    public void ForSlot_ItemsAreEscapedAndCut()
    {
        var request = new SynthesisRequest<string>(SynthesisTestData.SpamTask)
        {
            Examples = [new("say \"hi\"\nnow\\" + new string('x', 100), 1)],
        };
        string text = new ProgramPrompts<string>(request, new ChatSynthesizerOptions { MaxItemCharacters = 30 }).ForSlot(0, null).Text;
        Assert.Contains("- [spam (1)] \"say \\\"hi\\\"\\nnow\\\\xxxxxxxxxxx…\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ForSlot_PriorKnowledgeAndFeedback_AreIncluded()
    {
        var request = new SynthesisRequest<string>(SynthesisTestData.SpamTask)
        {
            Feedback = new SynthesisFeedback<string>
            {
                Problems = ["llm-002: line 4, column 9: [io] File access is not allowed."],
                Uncovered = [new FeedbackExample<string>("nice song", 0, [])],
                Conflicting = [new FeedbackExample<string>("check my song", null, [0, 1])],
            },
        };
        string text = new ProgramPrompts<string>(request, new ChatSynthesizerOptions()).ForSlot(0, "Spam often has links.").Text;

        Assert.Contains("Background knowledge about this task:\nSpam often has links.\n", text, StringComparison.Ordinal);
        Assert.Contains("Problems found in earlier programs (avoid them):\n- llm-002: line 4, column 9: [io] File access is not allowed.\n", text, StringComparison.Ordinal);
        Assert.Contains("Items no current program labels (write a program that covers some of them):\n- [ham (0)] \"nice song\"\n", text, StringComparison.Ordinal);
        Assert.Contains("Items where current programs disagree (a precise program helps decide them):\n- \"check my song\" (votes: ham (0), spam (1))\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ForSlot_NoExamples_ShowsUnlabeledSample()
    {
        var request = new SynthesisRequest<string>(SynthesisTestData.SpamTask) { UnlabeledSample = ["first item", "second item"] };
        string text = new ProgramPrompts<string>(request, new ChatSynthesizerOptions()).ForSlot(0, null).Text;
        Assert.Contains("Unlabeled items, to show what the data looks like:\n", text, StringComparison.Ordinal);
        Assert.Contains("- \"first item\"\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ForSlot_RecordItem_ShowsQualifiedSignatureAndPublicMembers()
    {
        var request = new SynthesisRequest<Comment>(SynthesisTestData.SpamTask)
        {
            Examples = [new(new Comment("Ann", "check this", 3, ["a"], null), 1)],
        };
        var prompts = new ProgramPrompts<Comment>(request, new ChatSynthesizerOptions());
        string text = prompts.ForSlot(0, null).Text;

        Assert.Contains("public static int Label(Alchemist.Tests.Synthesis.Comment item)", prompts.System, StringComparison.Ordinal);
        Assert.Contains(
            "Each item is a Alchemist.Tests.Synthesis.Comment. The program declares:\n    public static int Label(Alchemist.Tests.Synthesis.Comment item)\n" +
            "Its public members:\n    string Author { get; }\n    string Text { get; }\n    int Likes { get; }\n    IReadOnlyList<string> Tags { get; }\n    DateTime? PostedAt { get; }\n",
            text,
            StringComparison.Ordinal);
        Assert.Contains("- [spam (1)] {\"Author\":\"Ann\",\"Text\":\"check this\",\"Likes\":3,\"Tags\":[\"a\"],\"PostedAt\":null}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Repair_ListsEveryProblemExactly()
    {
        var program = new LabelingProgram("llm-000", "class P { }", new ProgramProvenance { Synthesizer = "chat" });
        string text = ProgramPrompts<string>.Repair(program, ["line 1, column 2: [CS1002] ; expected", "line 5, column 1: [io] File is not allowed"]);
        Assert.StartsWith("Your program was rejected. These are the exact problems (2):\n- line 1, column 2: [CS1002] ; expected\n- line 5, column 1: [io] File is not allowed\n", text, StringComparison.Ordinal);
        Assert.EndsWith("Reply with the whole corrected program in one ```csharp code block.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PriorKnowledgeMessages_AskForKeywordsAndRulesWithoutCode()
    {
        IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> messages = new ProgramPrompts<string>(new SynthesisRequest<string>(SynthesisTestData.SpamTask), new ChatSynthesizerOptions()).PriorKnowledgeMessages();
        Assert.Equal(2, messages.Count);
        Assert.Contains("  1 = spam", messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("the words, phrases and patterns that signal each one", messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("no code", messages[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(Dictionary<string, List<int>>), "Dictionary<string, List<int>>")]
    [InlineData(typeof(int?[]), "int?[]")]
    [InlineData(typeof(Comment), "Alchemist.Tests.Synthesis.Comment")]
    [InlineData(typeof(Outer.Inner), "Alchemist.Tests.Synthesis.Outer.Inner")]
    [InlineData(typeof(ValueTuple<int, string>), "ValueTuple<int, string>")]
    public void CSharpName_FormatsAsSource(Type type, string expected) => Assert.Equal(expected, ItemTypeDescription.CSharpName(type));

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string ExampleLines(string text) => string.Join("\n", text.Split('\n').Where(l => l.StartsWith("- [", StringComparison.Ordinal)));
}

public sealed record Comment(string Author, string Text, int Likes, IReadOnlyList<string> Tags, DateTime? PostedAt);

public static class Outer
{
    public sealed class Inner
    {
        public int Value { get; set; }
    }
}
