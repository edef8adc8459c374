namespace Alchemist.Tests.Sandbox;

/// <summary>Helpers that turn source text into labeling programs and compile them with shared, test-friendly options.</summary>
internal static class SandboxTestPrograms
{
    /// <summary>
    /// Options for tests: the default limits, except a quarter of the step budget and a quarter of the memory budget, so
    /// that the many runaway programs of the hostile corpus are stopped sooner in unoptimized test builds.
    /// </summary>
    public static SandboxOptions Options => new() { StepBudget = 250_000, MaxAllocatedBytes = 64L * 1024 * 1024 };

    public static ProgramCompiler Compiler { get; } = new(Options);

    public static LabelingProgram Program(string source, string name = "test-program") =>
        new(name, source, new ProgramProvenance { Synthesizer = "hand-written" });

    public static ProgramCompilation<string> Compile(string source, string name = "test-program") =>
        Compiler.Compile<string>(Program(source, name));

    /// <summary>Compiles a program that must be accepted, failing the test with the diagnostics otherwise.</summary>
    public static ProgramCompilation<string> CompileAccepted(string source, string name = "test-program")
    {
        ProgramCompilation<string> compilation = Compile(source, name);
        Assert.True(compilation.Succeeded, "Rejected:\n" + string.Join("\n", compilation.Diagnostics));
        return compilation;
    }
}
