namespace Alchemist.Tests.Gating;

public class SandboxProgramValidatorTests
{
    private static readonly GateCompiler Compiler = new SandboxGateCompiler(new ProgramCompiler());
    private static readonly string[] Sample = [.. Enumerable.Range(0, 100).Select(i => i % 10 == 0 ? "check out item " + i : "item " + i)];

    [Fact]
    public async Task ValidateAsync_GoodProgram_Passes()
    {
        ProgramValidation validation = await Validator().ValidateAsync(Program("public static class P { public static int Label(string item) => item.Contains(\"check\") ? 1 : -1; }"));
        Assert.True(validation.IsValid);
        Assert.Empty(validation.Problems);
    }

    [Fact]
    public async Task ValidateAsync_CompileError_ReturnsTheSandboxDiagnostics()
    {
        ProgramValidation validation = await Validator().ValidateAsync(Program("public static class P\n{\n    public static int Label(string item) => missing ? 1 : -1;\n}"));
        Assert.False(validation.IsValid);
        string problem = Assert.Single(validation.Problems);
        Assert.StartsWith("line 3, column ", problem, StringComparison.Ordinal);
        Assert.Contains("[compile]", problem, StringComparison.Ordinal);
        Assert.Contains("missing", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_Hostile_ReturnsTheRuleBroken()
    {
        ProgramValidation validation = await Validator().ValidateAsync(Program("public static class P\n{\n    public static int Label(string item) => System.IO.File.Exists(item) ? 1 : -1;\n}"));
        Assert.False(validation.IsValid);
        Assert.Contains(validation.Problems, p => p.StartsWith("line 3, column ", StringComparison.Ordinal) && p.Contains("[io]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_FaultsOverTheLimit_StopsEarlyAndShowsTheFirstFaults()
    {
        ProgramValidation validation = await Validator(maxFaultRate: 0.05).ValidateAsync(Program("public static class P { public static int Label(string item) => int.Parse(item); }"));

        Assert.False(validation.IsValid);
        Assert.Equal(4, validation.Problems.Count);
        Assert.Equal(
            "The program faulted on 6 of the first 6 of 100 sample items, and was stopped there; at most 5 faults (5.0%) are allowed. Handle every input without throwing, stay within the step budget, and return a class index or -1.",
            validation.Problems[0]);
        Assert.StartsWith("On sample item 0 (\"check out item 0\"): FormatException: ", validation.Problems[1], StringComparison.Ordinal);
        Assert.StartsWith("On sample item 1 (\"item 1\"): FormatException: ", validation.Problems[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_InvalidClassAndBudgetOverrun_AreFaults()
    {
        ProgramValidation seven = await Validator(maxFaultRate: 0).ValidateAsync(Program("public static class P { public static int Label(string item) => item.Contains(\"check\") ? 7 : -1; }"));
        Assert.Equal(
            "The program faulted on 1 of the first 1 of 100 sample items, and was stopped there; at most 0 faults (0.0%) are allowed. Handle every input without throwing, stay within the step budget, and return a class index or -1.",
            seven.Problems[0]);
        Assert.Equal("On sample item 0 (\"check out item 0\"): it returned 7, which is neither a class index (0 to 1) nor -1", seven.Problems[1]);

        ProgramValidation loop = await Validator(maxFaultRate: 0).ValidateAsync(Program("public static class P { public static int Label(string item) { while (true) { } } }"));
        Assert.Contains("ProgramBudgetExceededException", loop.Problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_FaultsWithinTheLimit_Pass()
    {
        // Throws on items 0, 10, ..., 90: 10% of the sample.
        LabelingProgram program = Program("public static class P { public static int Label(string item) => item.StartsWith(\"check\") ? throw new System.InvalidOperationException(\"no\") : -1; }");
        Assert.True((await Validator(maxFaultRate: 0.10).ValidateAsync(program)).IsValid);

        // 29 faults in 100 items at a limit of 0.29, although 0.29 * 100 is 28.999999999999996 in floating point.
        string[] sample = [.. Enumerable.Repeat("check", 29), .. Enumerable.Repeat("x", 71)];
        Assert.True((await new SandboxProgramValidator<string>(Compiler, sample, 2, 0.29).ValidateAsync(program)).IsValid);
        ProgramValidation strict = await Validator(maxFaultRate: 0.09).ValidateAsync(program);
        Assert.Equal(
            "The program faulted on 10 of the first 91 of 100 sample items, and was stopped there; at most 9 faults (9.0%) are allowed. Handle every input without throwing, stay within the step budget, and return a class index or -1.",
            strict.Problems[0]);
    }

    [Fact]
    public async Task ValidateAsync_Canceled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Validator().ValidateAsync(Program("public static class P { public static int Label(string item) => -1; }"), cancellation.Token));
    }

    [Fact]
    public void Ctor_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("compiler", () => new SandboxProgramValidator<string>(null!, Sample, 2));
        Assert.Throws<ArgumentNullException>("sample", () => new SandboxProgramValidator<string>(Compiler, null!, 2));
        Assert.Throws<ArgumentOutOfRangeException>("classCount", () => new SandboxProgramValidator<string>(Compiler, Sample, 1));
        Assert.Throws<ArgumentOutOfRangeException>("maxFaultRate", () => new SandboxProgramValidator<string>(Compiler, Sample, 2, 1.5));
    }

    private static SandboxProgramValidator<string> Validator(double maxFaultRate = 0.05) => new(Compiler, Sample, classCount: 2, maxFaultRate);

    private static LabelingProgram Program(string source) => new("p", source, new ProgramProvenance { Synthesizer = "test" });
}
