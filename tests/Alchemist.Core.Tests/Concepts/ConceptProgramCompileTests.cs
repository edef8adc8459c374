using Alchemist.Tests.Sandbox;

namespace Alchemist.Tests.ConceptPrograms;

/// <summary>The sandbox accepts <c>Label(T item, Concepts concepts)</c> with constant phrases, lists the phrases, and refuses everything else about the concepts.</summary>
public class ConceptProgramCompileTests
{
    internal const string VisitProgram = """
        public static class Visit
        {
            private const string Channel = "visit my channel";

            public static int Label(string item, Concepts concepts)
            {
                if (concepts[Channel] >= 0.5) return 1;
                if (concepts["great " + "song"] >= 0.5) return 0;
                return concepts.PrototypeCount > 1 && concepts.Prototype(1) > 0.9 ? 1 : -1;
            }
        }
        """;

    [Fact]
    public void ConstantPhrases_Accepted_AndListedInSourceOrder()
    {
        using ProgramCompilation<string> compilation = SandboxTestPrograms.CompileAccepted(VisitProgram);
        SandboxedLabelingFunction<string> function = compilation.Function!;

        Assert.True(function.TakesConcepts);
        Assert.Equal(["visit my channel", "great song"], function.ConceptPhrases);
        var concepts = Concepts.FromScores(new Dictionary<string, double> { ["visit my channel"] = 0.2, ["great song"] = 0.7 }, [0.1, 0.95]);
        Assert.Equal(0, function.Apply("anything", concepts));
        Assert.Equal(1, function.Apply("anything", Concepts.FromScores(new Dictionary<string, double> { ["visit my channel"] = 0.6, ["great song"] = 0.7 })));
        Assert.Equal(1, function.Apply("anything", Concepts.FromScores(new Dictionary<string, double> { ["visit my channel"] = 0.1, ["great song"] = 0.1 }, [0.1, 0.95])));
    }

    [Fact]
    public void PlainProgram_TakesNoConcepts()
    {
        using ProgramCompilation<string> compilation = SandboxTestPrograms.CompileAccepted("public static class P { public static int Label(string item) => item.Length > 3 ? 1 : -1; }");

        Assert.False(compilation.Function!.TakesConcepts);
        Assert.Empty(compilation.Function.ConceptPhrases);
        Assert.Equal(1, compilation.Function.Apply("long", default));
    }

    [Theory]
    [InlineData("concepts[item]")]
    [InlineData("concepts[item.ToLowerInvariant()]")]
    [InlineData("concepts[Phrases[0]]")]
    [InlineData("concepts[$\"about {item}\"]")]
    public void ComputedPhrase_RejectedNamingTheRule(string lookup)
    {
        string source = $$"""
            public static class Computed
            {
                private static readonly string[] Phrases = ["spam"];

                public static int Label(string item, Concepts concepts) => {{lookup}} > 0.5 ? 1 : -1;
            }
            """;

        using ProgramCompilation<string> compilation = SandboxTestPrograms.Compile(source);

        Assert.False(compilation.Succeeded);
        SandboxDiagnostic diagnostic = Assert.Single(compilation.Diagnostics, d => d.Rule == "concepts");
        Assert.Contains("must be a compile-time constant string", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyPhrase_Rejected()
    {
        using ProgramCompilation<string> compilation = SandboxTestPrograms.Compile("public static class E { public static int Label(string item, Concepts concepts) => concepts[\" \"] > 0.5 ? 1 : -1; }");

        Assert.Contains(compilation.Diagnostics, d => d.Rule == "concepts" && d.Message.Contains("must hold some text", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("public static int Label(string item, int concepts) => -1;", "it takes (string, int) instead of one 'string' (optionally followed by 'Concepts')")]
    [InlineData("public static int Label(Concepts concepts, string item) => -1;", "it takes (Concepts, string)")]
    [InlineData("public static int Label(string item, ref Concepts concepts) => -1;", "it takes (string, Concepts)")]
    public void WrongSignature_RejectedNamingBothAcceptedSignatures(string method, string problem)
    {
        using ProgramCompilation<string> compilation = SandboxTestPrograms.Compile($"public static class W {{ {method} }}");

        SandboxDiagnostic diagnostic = Assert.Single(compilation.Diagnostics, d => d.Rule == "entry-point");
        Assert.Contains(problem, diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("'public static int Label(string item)' or 'public static int Label(string item, Concepts concepts)'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Concepts.FromScores(new Dictionary<string, double>())[\"x\"] > 0 ? 1 : -1")]
    [InlineData("new Concepts()[\"x\"] > 0 ? 1 : -1")]
    [InlineData("concepts.Equals(concepts) ? 1 : -1")]
    [InlineData("global::Alchemist.SandboxRuntime.CanCatch(null!) ? 1 : -1")]
    [InlineData("global::Alchemist.Label.Abstain")]
    public void OtherCoreMembers_Rejected(string body)
    {
        using ProgramCompilation<string> compilation = SandboxTestPrograms.Compile($"public static class O {{ public static int Label(string item, Concepts concepts) => {body}; }}");

        Assert.False(compilation.Succeeded);
        Assert.Contains(compilation.Diagnostics, d => d.Rule == "api");
    }

    [Fact]
    public void MissingPhrase_FaultsAndTheProgramCannotCatchIt()
    {
        const string source = """
            public static class Catcher
            {
                public static int Label(string item, Concepts concepts)
                {
                    try
                    {
                        return concepts["not embedded"] > 0.5 ? 1 : 0;
                    }
                    catch (KeyNotFoundException)
                    {
                        return 1;
                    }
                    catch (System.Exception)
                    {
                        return 0;
                    }
                }
            }
            """;
        using ProgramCompilation<string> compilation = SandboxTestPrograms.CompileAccepted(source);

        KeyNotFoundException missing = Assert.ThrowsAny<KeyNotFoundException>(() => compilation.Function!.Apply("x", Concepts.FromScores(new Dictionary<string, double> { ["other"] = 1 })));
        Assert.Contains("\"not embedded\" was not embedded for this run", missing.Message, StringComparison.Ordinal);
        KeyNotFoundException empty = Assert.ThrowsAny<KeyNotFoundException>(() => compilation.Function!.Apply("x"));
        Assert.Contains("called without the run's concept scores", empty.Message, StringComparison.Ordinal);

        // Through the applier: a counted fault with the message, never a crash.
        LabelingResult result = new LabelingFunctionApplier().Apply(["a", "b"], [compilation.Function!], classCount: 2);
        Assert.Equal(2, result.Faults[0].Exceptions);
        Assert.Contains("called without the run's concept scores", result.Faults[0].FirstError, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramDeclaringItsOwnConceptsType_StillCompiles()
    {
        using ProgramCompilation<string> compilation = SandboxTestPrograms.CompileAccepted("""
            public sealed record Concepts(int Count);

            public static class Own
            {
                public static int Label(string item) => new Concepts(item.Length).Count > 3 ? 1 : -1;
            }
            """);

        Assert.False(compilation.Function!.TakesConcepts);
        Assert.Equal(1, compilation.Function.Apply("long"));
    }

    [Fact]
    public void ItemMutationAndStaticState_StillRefusedInConceptPrograms()
    {
        using ProgramCompilation<Alchemist.TestItems.Review> compilation = SandboxTestPrograms.Compiler.Compile<Alchemist.TestItems.Review>(SandboxTestPrograms.Program("""
            public static class Bad
            {
                private static readonly List<double> Seen = new();

                public static int Label(Review item, Concepts concepts)
                {
                    Seen.Add(concepts["good"]);
                    return Seen.Count > 1 ? 1 : -1;
                }
            }
            """));

        Assert.Contains(compilation.Diagnostics, d => d.Rule == "static-state");
    }
}
