using System.Globalization;
using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

/// <summary>Runs the corpora: realistic programs an LLM writes must be accepted and vote as expected; hostile programs must be rejected for the right reason or contained at run time.</summary>
public class SandboxCorpusTests
{
    public static TheoryData<string> GoodPrograms() => [.. CorpusProgram.Names("Good")];

    public static TheoryData<string> HostilePrograms() => [.. CorpusProgram.Names("Hostile")];

    [Fact]
    public void Corpora_AreLargeEnough()
    {
        Assert.True(CorpusProgram.Names("Good").Count() >= 25);
        Assert.True(CorpusProgram.Names("Hostile").Count() >= 40);
    }

    [Theory]
    [MemberData(nameof(GoodPrograms))]
    public void GoodProgram_IsAcceptedAndVotesAsExpected(string name)
    {
        CorpusProgram program = CorpusProgram.Load("Good", name);
        Assert.NotEmpty(program.Samples);
        using ProgramCompilation<string> compilation = CompileAccepted(program.Source, name.Replace('_', '-'));
        foreach ((int label, string text) in program.Samples)
        {
            Assert.True(label == compilation.Function!.Apply(text), $"{name} voted {compilation.Function!.Apply(text)} on \"{text}\", expected {label}.");
        }

        Assert.Equal(0, compilation.Function!.BudgetOverruns);
    }

    [Theory]
    [MemberData(nameof(HostilePrograms))]
    public void HostileProgram_IsRejectedOrContained(string name)
    {
        CorpusProgram program = CorpusProgram.Load("Hostile", name);
        Assert.NotEmpty(program.Expectations);
        using ProgramCompilation<string> compilation = Compile(program.Source, name.Replace('_', '-'));
        string diagnostics = string.Join("\n", compilation.Diagnostics);

        foreach (string[] expectation in program.Expectations)
        {
            switch (expectation[0])
            {
                case "rejected":
                    Assert.False(compilation.Succeeded, $"{name} was accepted.");
                    Assert.True(
                        compilation.Diagnostics.Any(d => d.Rule == expectation[1] && (expectation.Length < 3 || d.Line == int.Parse(expectation[2], CultureInfo.InvariantCulture))),
                        $"{name}: expected [{expectation[1]}]{(expectation.Length > 2 ? " at line " + expectation[2] : "")}, got:\n{diagnostics}");
                    break;
                case "overrun":
                    Assert.True(compilation.Succeeded, $"{name} was rejected:\n{diagnostics}");
                    ProgramBudgetExceededException overrun = Assert.Throws<ProgramBudgetExceededException>(() => compilation.Function!.Apply(program.Input));
                    if (expectation.Length > 1)
                    {
                        Assert.Equal(Enum.Parse<ProgramBudgetKind>(expectation[1]), overrun.Kind);
                    }

                    Assert.Equal(1, compilation.Function!.BudgetOverruns);
                    break;
                case "throws":
                    Assert.True(compilation.Succeeded, $"{name} was rejected:\n{diagnostics}");
                    Exception thrown = Assert.ThrowsAny<Exception>(() => compilation.Function!.Apply(program.Input));
                    Assert.Equal(expectation[1], thrown.GetType().Name);
                    break;
                case "overruns":
                    Assert.True(compilation.Function!.BudgetOverruns >= 1);
                    break;
                default:
                    Assert.Fail($"{name}: unknown expectation '{string.Join(' ', expectation)}'.");
                    break;
            }
        }

        // Every rejection names a rule and a place in the source a model can act on.
        Assert.All(compilation.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
    }
}
