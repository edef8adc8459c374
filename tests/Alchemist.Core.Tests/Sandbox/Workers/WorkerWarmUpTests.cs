using Alchemist.Tests.Shared;
using static Alchemist.Tests.Sandbox.Workers.WorkerTestPrograms;

namespace Alchemist.Tests.Sandbox.Workers;

/// <summary>Workers started ahead of need (<see cref="WorkerProgramHost.StartWarmUp{TItem}"/>) behave as workers started on demand.</summary>
public class WorkerWarmUpTests
{
    private static readonly string[] Texts = [.. TestData.Load("youtube").Train.Texts.Take(600).Select(t => t!)];

    [Fact]
    public async Task StartWarmUp_StartsTheWorkersBeforeAnyCompilation_AndTheirVotesAreThoseOfColdWorkers()
    {
        LabelingProgram[] programs = Programs(Strings);
        using var warm = new WorkerProgramHost(HostOptions());
        warm.StartWarmUp<string>();
        warm.StartWarmUp<string>(); // once per host: the second call keeps the first warm-up
        Task warmUp = Assert.IsAssignableFrom<Task>(warm.WarmUp);
        await warmUp;

        // The compiler worker and both labeling workers run before the first program is compiled.
        Assert.True(warmUp.IsCompletedSuccessfully);
        Assert.True(warm.WorkerProcessorTime > TimeSpan.Zero, "The warm-up should have started the workers.");

        using var cold = new WorkerProgramHost(HostOptions());
        Assert.Null(cold.WarmUp);
        var fromWarm = programs.Select(p => warm.Compile<string>(p, CancellationToken.None)).ToList();
        var fromCold = programs.Select(p => cold.Compile<string>(p, CancellationToken.None)).ToList();
        try
        {
            Assert.All(fromWarm, c => Assert.NotNull(c.Function));
            var applier = new LabelingFunctionApplier(new LabelingApplierOptions { ChunkSize = 250 });
            LabelingResult expected = applier.Apply(Texts, [.. fromCold.Select(c => (ILabelingFunction<string>)c.Function!)], 2);
            LabelingResult actual = applier.Apply(Texts, [.. fromWarm.Select(c => (ILabelingFunction<string>)c.Function!)], 2);
            for (int j = 0; j < programs.Length; j++)
            {
                Assert.Equal(expected.Matrix.GetColumn(j), actual.Matrix.GetColumn(j));
            }

            Assert.Equal(expected.Faults, actual.Faults);
        }
        finally
        {
            fromWarm.ForEach(c => c.Dispose());
            fromCold.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task StartWarmUp_HostRecordItems_ProgramsOverTheRecordStillCompileAndRun()
    {
        using var host = new WorkerProgramHost(HostOptions(workers: 1));
        host.StartWarmUp<WarmUpReview>();
        await host.WarmUp!;

        using WorkerCompilation<WarmUpReview> compiled = host.Compile<WarmUpReview>(
            Program("stars", "public static class P { public static int Label(WarmUpReview r) => r.Stars >= 4 ? 1 : 0; }"), CancellationToken.None);
        Assert.NotNull(compiled.Function);
        LabelingResult result = new LabelingFunctionApplier().Apply(
            [new WarmUpReview("good", 5), new WarmUpReview("bad", 1)], [(ILabelingFunction<WarmUpReview>)compiled.Function!], 2);
        Assert.Equal([1, 0], result.Matrix.GetColumn(0).Select(v => (int)v));
    }

    [Fact]
    public void Dispose_DuringTheWarmUp_StopsItAndLeavesNoWorkerRunning()
    {
        var host = new WorkerProgramHost(HostOptions());
        host.StartWarmUp<string>();
        Task warmUp = host.WarmUp!;
        host.Dispose();

        // Dispose waits for the warm-up, which ends without a fault, and then stops every worker it started.
        Assert.True(warmUp.IsCompletedSuccessfully);
        Assert.Equal(TimeSpan.Zero, host.WorkerProcessorTime);
        Assert.Throws<ObjectDisposedException>(() => host.StartWarmUp<string>());
    }
}

/// <summary>A host record for <see cref="WorkerWarmUpTests"/>.</summary>
public sealed record WarmUpReview(string Text, int Stars);
