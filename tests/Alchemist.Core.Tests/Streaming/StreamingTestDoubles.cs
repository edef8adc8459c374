namespace Alchemist.Tests.Streaming;

/// <summary>A label sink that keeps every chunk it is given, checking they come in item order.</summary>
internal sealed class CollectingSink : ILabelSink
{
    public List<long> Starts { get; } = [];

    public List<string> Ids { get; } = [];

    public List<int> Labels { get; } = [];

    public List<double> Probabilities { get; } = [];

    public ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default)
    {
        Assert.Equal(Ids.Count, chunk.Start);
        Starts.Add(chunk.Start);
        Ids.AddRange(chunk.Ids);
        Labels.AddRange(chunk.Labels.ToArray());
        Probabilities.AddRange(chunk.Probabilities.AsSpan().ToArray());
        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs an action, on the reporting thread, when a stage starts.</summary>
internal sealed class OnStage(PipelineStage stage, Action action) : IProgress<PipelineProgress>
{
    private bool _done;

    public void Report(PipelineProgress value)
    {
        if (value.Stage == stage && !_done)
        {
            _done = true;
            action();
        }
    }
}
