namespace Alchemist.Cli.Commands;

/// <summary>
/// Writes a streamed run's labels to <c>labels.jsonl</c> as they are made, in the lines of a run that holds them
/// (<see cref="LabelLinesWriter"/>). The lines go to a <c>.partial</c> file first, moved to its name only by
/// <see cref="CompleteAsync"/>, so a run that fails leaves no <c>labels.jsonl</c> that looks whole.
/// </summary>
internal sealed class LabelsFileSink : ILabelSink, IAsyncDisposable
{
    private readonly string _path;
    private readonly string _partial;
    private readonly LabelLinesWriter _writer;
    private bool _completed;

    public LabelsFileSink(string path)
    {
        _path = path;
        _partial = path + ".partial";
        _writer = new LabelLinesWriter(new FileStream(_partial, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: false));
    }

    public async ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < chunk.Count; i++)
        {
            await _writer.WriteAsync(chunk.Ids[i], chunk.Labels[i], chunk.Probabilities.GetRow(i), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the file and gives it its name.</summary>
    public async Task CompleteAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        File.Move(_partial, _path, overwrite: true);
        _completed = true;
    }

    /// <summary>Closes the file; removes it unless it was completed.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (!_completed)
        {
            File.Delete(_partial);
        }
    }
}
