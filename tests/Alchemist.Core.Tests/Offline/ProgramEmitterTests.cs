namespace Alchemist.Tests.Offline;

public class ProgramEmitterTests
{
    [Fact]
    public void Mining_retries_a_timed_out_match_as_often_as_the_sandbox_does() =>
        Assert.Equal(SandboxOptions.DefaultRegexTimeoutRetries, PatternCondition.RegexTimeoutRetries);

    [Fact]
    public void Literal_SpecialCharacters_AreEscaped() =>
        Assert.Equal("\"a\\\"b\\\\c\\u00e9\\u000a\"", ProgramEmitter.Literal("a\"b\\c\u00e9\n"));

    [Fact]
    public void VerbatimLiteral_Quotes_AreDoubled() =>
        Assert.Equal("@\"[\"\"“]\"", ProgramEmitter.VerbatimLiteral("[\"“]"));

    [Fact]
    public void Emit_PatternHeuristic_WritesAReadableProgramWithATimedRegex()
    {
        var heuristic = new Heuristic(new PatternCondition(TextPattern.All.Single(p => p.Name == "Url")), 1, 10, 9, 0.7, 120, 0.25, 1000);

        string source = ProgramEmitter.Emit(heuristic, "OfflineHeuristic01", "string", null, itemIsValueType: false, ["ham", "spam"]);

        Assert.Contains("/// Votes spam (1) when the text contains a web address; abstains (-1) otherwise.", source, StringComparison.Ordinal);
        Assert.Contains("private static readonly Regex UrlPattern = new(", source, StringComparison.Ordinal);
        Assert.Contains("TimeSpan.FromMilliseconds(100)", source, StringComparison.Ordinal);
        Assert.Contains("return UrlPattern.IsMatch(text) ? 1 : -1;", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Words(", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_WordGroupAndConjunction_UsesTheWordHelpersOnce()
    {
        var condition = new AndCondition(
            new AndCondition(new AnyWordCondition(["free", "win"]), new CountCondition(CountFeature.Words, 3, atLeast: true)),
            new AndCondition(new AnyWordCondition(["prize"]), new CountCondition(CountFeature.UppercasePercent, 30, atLeast: true)));
        var heuristic = new Heuristic(condition, 1, 10, 10, 0.8, 120, 0.1, 1000);

        string source = ProgramEmitter.Emit(heuristic, "OfflineHeuristic02", "string", null, itemIsValueType: false, ["ham", "spam"]);

        Assert.StartsWith("using System;\nusing System.Buffers;\n", source, StringComparison.Ordinal);
        Assert.Contains("private static readonly HashSet<string> Cues = new(StringComparer.Ordinal) { \"free\", \"win\" };", source, StringComparison.Ordinal);
        Assert.Contains("return (ContainsAnyWord(text, Cues) && WordCount(text) >= 3) && (ContainsWord(text, \"prize\") && UppercasePercent(text) >= 30) ? 1 : -1;", source, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, "private static \\(int Start, int End\\) NextWord"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, "SearchValues<char> AsciiLettersAndDigits"));
        Assert.DoesNotContain("List<string>", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Regex", source.Replace("using System.Text.RegularExpressions;", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_PhraseAndPrefix_CallTheirHelpersOnTheText()
    {
        var condition = new AndCondition(new PhraseCondition("i", "love"), new PrefixCondition(["who", "is"]));
        var heuristic = new Heuristic(condition, 0, 10, 10, 0.8, 120, 0.1, 1000);

        string source = ProgramEmitter.Emit(heuristic, "OfflineHeuristic03", "string", null, itemIsValueType: false, ["ham", "spam"]);

        Assert.Contains("return ContainsPhrase(text, \"i\", \"love\") && StartsWithWords(text, \"who\", \"is\") ? 0 : -1;", source, StringComparison.Ordinal);
        IReadOnlyList<ILabelingFunction<string>> function = SandboxProgramCompiler.Compile<string>([new LabelingProgram("p", source, new ProgramProvenance { Synthesizer = "offline" })]);
        Assert.Equal(0, function[0].Apply("Who is it? I LOVE it"));
        Assert.Equal(0, function[0].Apply("Who? is it? I love it")); // punctuation only separates words
        Assert.Equal(-1, function[0].Apply("Is who it, I love it"));
        Assert.Equal(-1, function[0].Apply("who is it, I lovely"));
    }

    [Fact]
    public void Emit_WordCount_CountsRunsOfLettersAndDigits()
    {
        var heuristic = new Heuristic(new CountCondition(CountFeature.Words, 4, atLeast: false), 0, 10, 10, 0.8, 120, 0.1, 1000);

        string source = ProgramEmitter.Emit(heuristic, "OfflineHeuristic05", "string", null, itemIsValueType: false, ["ham", "spam"]);

        Assert.Contains("return WordCount(text) <= 4 ? 0 : -1;", source, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, "private static \\(int Start, int End\\) NextWord"));
        IReadOnlyList<ILabelingFunction<string>> function = SandboxProgramCompiler.Compile<string>([new LabelingProgram("p", source, new ProgramProvenance { Synthesizer = "offline" })]);
        Assert.Equal(0, function[0].Apply("one, two; three... FOUR"));
        Assert.Equal(-1, function[0].Apply("one two three four five"));
        Assert.Equal(0, function[0].Apply(string.Empty));
        Assert.Equal(-1, function[0].Apply("déjà vu, naïve façade — 東京 ok"));
        Assert.Equal(0, function[0].Apply("déjà-vu naïve\uFEFF"));
    }

    [Fact]
    public void Emit_WordPrograms_RunUnderASmallStepBudget()
    {
        // The helpers' one static table is 62 ASCII characters: loading the program costs a few steps of the first call.
        var heuristic = new Heuristic(new AndCondition(new AnyWordCondition(["check", "out"]), new CountCondition(CountFeature.Words, 3, atLeast: true)), 1, 10, 10, 0.8, 120, 0.1, 1000);
        string source = ProgramEmitter.Emit(heuristic, "OfflineHeuristic06", "string", null, itemIsValueType: false, ["ham", "spam"]);
        using ProgramCompilation<string> compilation = new ProgramCompiler(new SandboxOptions { StepBudget = 1_000 }).Compile<string>(new LabelingProgram("p", source, new ProgramProvenance { Synthesizer = "offline" }));

        Assert.Equal(1, compilation.Function!.Apply("Check out my channel"));
        Assert.Equal(-1, compilation.Function.Apply("out now"));
        Assert.Equal(0, compilation.Function.BudgetOverruns);
    }

    [Fact]
    public void Emit_NoWordCondition_KeepsTheFormerUsings()
    {
        var heuristic = new Heuristic(new CountCondition(CountFeature.Characters, 15, atLeast: false), 0, 10, 10, 0.8, 120, 0.1, 1000);

        string source = ProgramEmitter.Emit(heuristic, "OfflineHeuristic04", "string", null, itemIsValueType: false, ["ham", "spam"]);

        Assert.StartsWith("using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\nusing System.Text.RegularExpressions;\n\n", source, StringComparison.Ordinal);
        Assert.DoesNotContain("NextWord", source, StringComparison.Ordinal);
    }
}
