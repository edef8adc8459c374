using Alchemist.Tests.Pipeline;
using Alchemist.Tests.Shared;
using static Alchemist.Tests.Sandbox.Workers.WorkerTestPrograms;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>The gate, the validator and the whole pipeline decide and label the same in worker processes as in process.</summary>
public class WorkerModeEquivalenceTests
{
    // The final check against the seed-only model (EndModelChoice) has tests of its own; it is off here, where it would
    // only repeat each run five times.

    private static readonly string[] Texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];

    [Fact]
    public async Task RunAsync_WorkerProcessesAndInProcess_GiveTheSameRun()
    {
        const string Looping = "public static class Looping { public static int Label(string item) { int n = 0; while (item.Length > 0 && !item.Contains(\"love\", StringComparison.OrdinalIgnoreCase)) { n++; } return 0; } }";
        const string Hostile = "public static class Hostile { public static int Label(string item) => System.IO.File.Exists(\"/etc/passwd\") ? 1 : -1; }";
        const string Broken = "public static class Broken { public static int Label(string item) => nope; }";

        async Task<LabelingRun<string>> Run(ProgramIsolation isolation)
        {
            var fixedPrograms = new PipelineTestData.FixedSynthesizer(
                ("links", Strings["a-link"]), ("looping", Looping), ("hostile", Hostile), ("broken", Broken), ("throws-on-tens", Strings["e-throws-on-tens"]));
            var pipeline = new LabelingPipeline(
                [new OfflineProgramSynthesizer(), fixedPrograms],
                new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = isolation, Workers = { WorkerCount = 2 }, ProgramsPerSynthesizer = 6 },
                new ProgramCompiler(Options));
            return await pipeline.RunAsync(PipelineTestData.YouTubeJob());
        }

        LabelingRun<string> inProcess = await Run(ProgramIsolation.InProcess);
        LabelingRun<string> inWorkers = await Run(ProgramIsolation.WorkerProcesses);

        Assert.Equal(Outcomes(inProcess), Outcomes(inWorkers));
        Assert.Contains(inWorkers.Programs, p => p.Program.Name == "looping" && p.DropReason == GateDropReason.TooManyFaults);
        Assert.Contains(inWorkers.Programs, p => p.Program.Name == "hostile" && p.DropReason == GateDropReason.SandboxRejected);
        Assert.Contains(inWorkers.Programs, p => p.Program.Name == "broken" && p.DropReason == GateDropReason.CompileFailed);
        Assert.True(inWorkers.Programs.Count(p => p.Kept) >= 3);
        Assert.Equal(inProcess.Matrix.FunctionNames, inWorkers.Matrix.FunctionNames);
        for (int j = 0; j < inProcess.Matrix.FunctionCount; j++)
        {
            Assert.Equal(inProcess.Matrix.GetColumn(j), inWorkers.Matrix.GetColumn(j));
        }

        Assert.Equal(inProcess.Labels, inWorkers.Labels);
        Assert.Equal(inProcess.Warnings, inWorkers.Warnings);
    }

    [Fact]
    public async Task ValidateAsync_InWorkers_GivesTheInProcessVerdictsAndMessages()
    {
        string[] sample = [.. Texts.Take(400)];
        LabelingProgram[] candidates =
        [
            Program("good", Strings["a-link"]),
            Program("throws-on-tens", Strings["e-throws-on-tens"]),
            Program("bad-vote", Strings["f-bad-vote"]),
            Program("loops", Strings["g-loops-on-long"]),
            Program("broken", "public static class P { public static int Label(string t) => nope; }"),
            Program("sometimes", "public static class P { public static int Label(string t) => t.Length % 50 == 0 ? throw new FormatException(\"fifty\") : t.Length % 61 == 0 ? 5 : -1; }"),
        ];
        var inProcess = new SandboxProgramValidator<string>(new SandboxGateCompiler(new ProgramCompiler(Options)), sample, 2);
        using var host = new WorkerProgramHost(HostOptions());
        var inWorkers = new SandboxProgramValidator<string>(new WorkerGateCompiler(host), sample, 2);

        foreach (LabelingProgram candidate in candidates)
        {
            ProgramValidation expected = await inProcess.ValidateAsync(candidate);
            ProgramValidation actual = await inWorkers.ValidateAsync(candidate);
            Assert.Equal((candidate.Name, expected.IsValid), (candidate.Name, actual.IsValid));
            Assert.Equal(expected.Problems, actual.Problems);
        }
    }

    private static List<string> Outcomes(LabelingRun<string> run) =>
        [.. run.Programs.Select(p => string.Join(" | ", p.Program.Name, p.Kept, p.DropReason, p.DropMessage, string.Join(";", p.Problems), p.Faults, p.BudgetOverruns, p.DevAccuracy, p.DevCoverage))];
}
