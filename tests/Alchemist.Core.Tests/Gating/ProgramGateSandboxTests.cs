namespace Alchemist.Tests.Gating;

/// <summary>The gate's compile step with the real sandbox.</summary>
public class ProgramGateSandboxTests
{
    private static readonly LabelingTask Task = new("spam", "Spam or ham?", ["ham", "spam"]);
    private static readonly string[] Sample = ["check out my channel", "nice song", "http://x.example", "love it"];

    [Fact]
    public void Evaluate_CompilesInTheSandbox_AndSortsCompilerErrorsFromRuleBreaks()
    {
        LabelingProgram good = Program("good", "public static class P { public static int Label(string item) => item.Contains(\"check out\") ? 1 : -1; }");
        LabelingProgram broken = Program("broken", "public static class P\n{\n    public static int Label(string item) => nope;\n}");
        LabelingProgram hostile = Program("hostile", "public static class P\n{\n    public static int Label(string item) => System.IO.File.Exists(item) ? 1 : -1;\n}");

        using ProgramGateResult<string> result = new ProgramGate().Evaluate([hostile, good, broken], Task, Sample);

        KeptProgram<string> kept = Assert.Single(result.Kept);
        Assert.Equal("good", kept.Function.Name);
        Assert.IsType<SandboxedLabelingFunction<string>>(kept.Function);
        Assert.Equal(1, kept.Function.Apply("check out this"));
        Assert.Collection(
            result.Dropped,
            d =>
            {
                Assert.Equal(("broken", GateDropReason.CompileFailed), (d.Program.Name, d.Reason));
                Assert.StartsWith("It does not compile: line 3, column ", d.Message, StringComparison.Ordinal);
                Assert.Contains("[compile]", d.Problems[0], StringComparison.Ordinal);
            },
            d =>
            {
                Assert.Equal(("hostile", GateDropReason.SandboxRejected), (d.Program.Name, d.Reason));
                Assert.StartsWith("The sandbox rejected it: line 3, column ", d.Message, StringComparison.Ordinal);
                Assert.Contains("[io]", d.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void Dispose_UnloadsTheKeptPrograms()
    {
        LabelingProgram good = Program("good", "public static class P { public static int Label(string item) => item.Length > 8 ? 1 : -1; }");
        ProgramGateResult<string> result = new ProgramGate().Evaluate([good], Task, Sample);
        ILabelingFunction<string> function = result.Functions[0];
        Assert.Equal(1, function.Apply("a long enough text"));

        result.Dispose();

        Assert.Throws<ObjectDisposedException>(() => function.Apply("a long enough text"));
    }

    private static LabelingProgram Program(string name, string source) => new(name, source, new ProgramProvenance { Synthesizer = "test" });
}
