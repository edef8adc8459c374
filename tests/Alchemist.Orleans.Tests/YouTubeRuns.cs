using Alchemist.Tests.Shared;

namespace Alchemist.Orleans.Tests;

/// <summary>Pipeline runs on the repository's YouTube dataset, with the offline synthesizer and programs in this process.</summary>
internal static class YouTubeRuns
{
    private static readonly Lazy<Task<LabelingRun<string>>> Plain = new(() => RunAsync(backend: null));

    /// <summary>Gets the single-process run, made once per test run.</summary>
    public static Task<LabelingRun<string>> PlainAsync() => Plain.Value;

    public static Task<LabelingRun<string>> RunAsync(ILabelingBackend? backend)
    {
        WrenchDataset data = TestData.Load("youtube");
        var pipeline = new LabelingPipeline(
            [new OfflineProgramSynthesizer()],
            new LabelingPipelineOptions { Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null });
        var job = new LabelingJob<string>(data.Task, [.. data.Train.Texts.Select(t => t!)])
        {
            SeedSet = [.. data.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, data.Valid.GoldLabels[i]))],
            TestSet = [.. data.Test!.Texts.Select((t, i) => new LabeledExample<string>(t!, data.Test.GoldLabels[i]))],
            LabelingBackend = backend,
        };
        return pipeline.RunAsync(job);
    }

    /// <summary>Gets the programs the single-process run kept, in column order.</summary>
    public static async Task<LabelingProgram[]> KeptProgramsAsync() =>
        [.. (await PlainAsync()).Programs.Where(p => p.Kept).Select(p => p.Program)];
}
