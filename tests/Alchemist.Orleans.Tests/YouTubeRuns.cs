using Alchemist.Tests.Shared;

namespace Alchemist.Orleans.Tests;

/// <summary>
/// Pipeline runs on the repository's YouTube dataset, with the offline synthesizer and programs in this process, and
/// without the final check against the seed-only model (five more runs each; a test turns it on through its options).
/// </summary>
internal static class YouTubeRuns
{
    private static readonly Lazy<Task<LabelingRun<string>>> Plain = new(() => RunAsync(backend: null));

    /// <summary>Gets the single-process run, made once per test run.</summary>
    public static Task<LabelingRun<string>> PlainAsync() => Plain.Value;

    public static Task<LabelingRun<string>> RunAsync(ILabelingBackend? backend, Action<LabelingPipelineOptions>? configure = null)
    {
        WrenchDataset data = TestData.Load("youtube");
        var options = new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null };
        configure?.Invoke(options);
        var pipeline = new LabelingPipeline([new OfflineProgramSynthesizer()], options);
        var job = new LabelingJob<string>(data.Task, [.. data.Train.Texts.Select(t => t!)])
        {
            SeedSet = [.. data.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, data.Valid.GoldLabels[i]))],
            TestSet = [.. data.Test!.Texts.Select((t, i) => new LabeledExample<string>(t!, data.Test.GoldLabels[i]))],
            LabelingBackend = backend,
        };
        return pipeline.RunAsync(job);
    }

    /// <summary>Runs the same job streamed (its items read from a source, its labels written to a sink), through a backend that streams, telling <paramref name="progress"/> each stage when given, with <paramref name="endModel"/> when given (the default end model otherwise), and options changed by <paramref name="configure"/> when given.</summary>
    public static async Task<(LabelingRun<string> Run, CollectingSink Sink)> StreamedAsync(
        IStreamingLabelingBackend backend, IProgress<PipelineProgress>? progress = null, IEndModel<string>? endModel = null, Action<LabelingPipelineOptions>? configure = null)
    {
        WrenchDataset data = TestData.Load("youtube");
        var options = new LabelingPipelineOptions { EndModelChoice = EndModelChoiceMode.Off, Isolation = ProgramIsolation.InProcess, DirectLabelingModel = null };
        configure?.Invoke(options);
        var pipeline = new LabelingPipeline([new OfflineProgramSynthesizer()], options);
        var sink = new CollectingSink();
        var job = new LabelingJob<string>(data.Task, ItemSource.FromList<string>([.. data.Train.Texts.Select(t => t!)]), sink)
        {
            SeedSet = [.. data.Valid!.Texts.Select((t, i) => new LabeledExample<string>(t!, data.Valid.GoldLabels[i]))],
            TestSet = [.. data.Test!.Texts.Select((t, i) => new LabeledExample<string>(t!, data.Test.GoldLabels[i]))],
            LabelingBackend = backend,
            EndModel = endModel,
        };
        return (await pipeline.RunAsync(job, progress), sink);
    }

    /// <summary>Gets the programs the single-process run kept, in column order.</summary>
    public static async Task<LabelingProgram[]> KeptProgramsAsync() =>
        [.. (await PlainAsync()).Programs.Where(p => p.Kept).Select(p => p.Program)];
}

/// <summary>Collects a streamed run's labels and distributions, checking they come in item order.</summary>
internal sealed class CollectingSink : ILabelSink
{
    public List<int> Labels { get; } = [];

    public List<double> Probabilities { get; } = [];

    public ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default)
    {
        Assert.Equal(Labels.Count, chunk.Start);
        Labels.AddRange(chunk.Labels.ToArray());
        Probabilities.AddRange(chunk.Probabilities.AsSpan().ToArray());
        return ValueTask.CompletedTask;
    }
}
