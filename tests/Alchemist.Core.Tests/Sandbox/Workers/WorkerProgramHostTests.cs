using Alchemist.Tests.Shared;
using static Alchemist.Tests.Sandbox.Workers.WorkerTestPrograms;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>Programs compiled and run in sandbox worker processes give the votes and faults they give in process.</summary>
public class WorkerProgramHostTests
{
    private static readonly string[] Texts = [.. TestData.Load("youtube").Train.Texts.Select(t => t!)];

    [Fact]
    public void Apply_StringPrograms_VotesAndFaultsAreThoseOfTheInProcessSandbox()
    {
        LabelingProgram[] programs = Programs(Strings);
        var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 700, QuarantineFaultRate = 0.5, QuarantineMinimumItems = 100 });
        var compiler = new ProgramCompiler(Options);
        var inProcess = programs.Select(p => compiler.Compile<string>(p)).ToList();
        using var host = new WorkerProgramHost(HostOptions());
        var inWorkers = programs.Select(p => host.Compile<string>(p, CancellationToken.None)).ToList();
        try
        {
            Assert.All(inProcess, c => Assert.True(c.Succeeded, string.Join("\n", c.Diagnostics)));
            Assert.All(inWorkers, c => Assert.NotNull(c.Function));

            LabelingResult expected = applier.Apply(Texts, [.. inProcess.Select(c => (ILabelingFunction<string>)c.Function!)], 2);
            LabelingResult actual = applier.Apply(Texts, [.. inWorkers.Select(c => (ILabelingFunction<string>)c.Function!)], 2);

            Assert.Equal(expected.Matrix.FunctionNames, actual.Matrix.FunctionNames);
            for (int j = 0; j < programs.Length; j++)
            {
                Assert.Equal(expected.Matrix.GetColumn(j), actual.Matrix.GetColumn(j));
            }

            Assert.Equal(expected.Faults, actual.Faults);
            Assert.Empty(host.Quarantined);
            Assert.True(expected.Faults.Sum(f => f.Total) > 0, "The corpus should fault somewhere.");
            Assert.True(expected.Faults.Single(f => f.FunctionName == "g-loops-on-long").Quarantined);
            for (int j = 0; j < programs.Length; j++)
            {
                Assert.Equal(inProcess[j].Function!.BudgetOverruns, inWorkers[j].Function!.BudgetOverruns);
            }
        }
        finally
        {
            inProcess.ForEach(c => c.Dispose());
            inWorkers.ForEach(c => c.Dispose());
        }
    }
}
