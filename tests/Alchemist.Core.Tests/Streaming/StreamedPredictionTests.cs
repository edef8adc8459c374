namespace Alchemist.Tests.Streaming;

/// <summary>
/// The final predictions of a streamed run (<see cref="StreamedRun.PredictAsync{TItem}"/>), written to the sink in the
/// background while the next chunk is predicted: in order, never concurrently, the labels of a prediction over all
/// items at once, and a sink's failure or a cancellation reported, never swallowed.
/// </summary>
public class StreamedPredictionTests
{
    private const int Seed = 7;

    // Three full chunks and a partial one.
    private static readonly string[] Texts = [.. Enumerable.Range(0, (3 * StreamedItems<string>.ChunkSize) + 5).Select(i => i % 3 == 0 ? $"subscribe to my channel {i % 17}" : $"great song {i % 11}")];

    private static readonly Lazy<ITrainedEndModel<string>> Model = new(() => LogisticRegressionEndModel.ForText()
        .TrainAsync(EndModelTrainingSet.FromLabels(["subscribe to my channel", "check out my channel", "great song", "love this song"], [1, 1, 0, 0], classCount: 2))
        .AsTask().GetAwaiter().GetResult());

    [Fact]
    public async Task PredictAsync_SlowSink_GetsEveryChunkInOrderOneAtATimeWithTheLabelsOfOnePrediction()
    {
        using StreamedItems<string> items = await StreamedItems<string>.OpenAsync(ItemSource.FromList(Texts), CancellationToken.None);
        var sink = new RecordingSink { Delay = TimeSpan.FromMilliseconds(50) };

        StreamedLabelSummary summary = await StreamedRun.PredictAsync(Model.Value, items, sink, classCount: 2, Seed, CancellationToken.None);

        ClassProbabilities all = await Model.Value.PredictProbabilitiesAsync(Texts);
        Assert.Equal([0L, 16_384L, 32_768L, 49_152L], sink.Starts);
        Assert.Equal(1, sink.MostAtOnce);
        Assert.Equal(Enumerable.Range(0, Texts.Length).Select(i => $"{i}"), sink.Ids);
        Assert.Equal(all.Predict(TieBreak.Random(Seed)), sink.Labels);
        Assert.Equal(all.AsSpan().ToArray(), sink.Probabilities);
        Assert.Equal(Texts.Length, summary.ItemCount);
    }

    [Fact]
    public async Task PredictAsync_SinkThatFails_ThrowsTheSinksExceptionAndWritesNothingAfterIt()
    {
        using StreamedItems<string> items = await StreamedItems<string>.OpenAsync(ItemSource.FromList(Texts), CancellationToken.None);
        var sink = new RecordingSink { FailAtChunk = 1 };

        var thrown = await Assert.ThrowsAsync<IOException>(() => StreamedRun.PredictAsync(Model.Value, items, sink, classCount: 2, Seed, CancellationToken.None));

        Assert.Equal("disk full at chunk 1", thrown.Message);
        Assert.Equal([0L, 16_384L], sink.Starts);
        Assert.False(sink.Writing);
    }

    [Fact]
    public async Task PredictAsync_LastChunksWriteFails_ThrowsTheSinksException()
    {
        using StreamedItems<string> items = await StreamedItems<string>.OpenAsync(ItemSource.FromList(Texts), CancellationToken.None);
        var sink = new RecordingSink { FailAtChunk = 3 };

        var thrown = await Assert.ThrowsAsync<IOException>(() => StreamedRun.PredictAsync(Model.Value, items, sink, classCount: 2, Seed, CancellationToken.None));

        Assert.Equal("disk full at chunk 3", thrown.Message);
    }

    [Fact]
    public async Task PredictAsync_CancelledDuringAWrite_ThrowsOperationCanceledAndLeavesTheSinkIdle()
    {
        using StreamedItems<string> items = await StreamedItems<string>.OpenAsync(ItemSource.FromList(Texts), CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var sink = new RecordingSink { Delay = TimeSpan.FromMilliseconds(50), OnWrite = start => { if (start > 0) { cancellation.Cancel(); } } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamedRun.PredictAsync(Model.Value, items, sink, classCount: 2, Seed, cancellation.Token));

        Assert.False(sink.Writing);
        Assert.True(sink.Starts.Count < 4);
    }

    [Fact]
    public async Task ThrowIfWriteFailedAsync_BothTheWorkAndTheWriteFailed_ThrowsBoth()
    {
        var sink = new RecordingSink { FailAtChunk = 0 };
        var writer = new OrderedLabelWriter(sink, CancellationToken.None);
        await using (writer)
        {
            await writer.WriteAsync(OneItemChunk());
            var work = new InvalidOperationException("prediction failed");

            var thrown = await Assert.ThrowsAsync<AggregateException>(() => writer.ThrowIfWriteFailedAsync(work));

            Assert.Equal(2, thrown.InnerExceptions.Count);
            Assert.Same(work, thrown.InnerExceptions[0]);
            Assert.Equal("disk full at chunk 0", Assert.IsType<IOException>(thrown.InnerExceptions[1]).Message);
            Assert.True(writer.Token.IsCancellationRequested);
        }
    }

    [Fact]
    public async Task ThrowIfWriteFailedAsync_NoWriteFailed_Returns()
    {
        var sink = new RecordingSink();
        var writer = new OrderedLabelWriter(sink, CancellationToken.None);
        await using (writer)
        {
            await writer.WriteAsync(OneItemChunk());

            await writer.ThrowIfWriteFailedAsync(new InvalidOperationException("prediction failed"));

            Assert.False(writer.Token.IsCancellationRequested);
            Assert.Equal([0L], sink.Starts);
        }
    }

    private static LabeledChunk OneItemChunk() => new(0, ["a"], [1], new ClassProbabilities(1, 2, [0.25, 0.75]));

    /// <summary>Records what it is given, and can wait, fail at one chunk, or call back at each write.</summary>
    private sealed class RecordingSink : ILabelSink
    {
        private int _atOnce;

        public TimeSpan Delay { get; init; }

        public int FailAtChunk { get; init; } = -1;

        public Action<long>? OnWrite { get; init; }

        public List<long> Starts { get; } = [];

        public List<string> Ids { get; } = [];

        public List<int> Labels { get; } = [];

        public List<double> Probabilities { get; } = [];

        public int MostAtOnce { get; private set; }

        public bool Writing => Volatile.Read(ref _atOnce) > 0;

        public async ValueTask WriteAsync(LabeledChunk chunk, CancellationToken cancellationToken = default)
        {
            int atOnce = Interlocked.Increment(ref _atOnce);
            try
            {
                MostAtOnce = Math.Max(MostAtOnce, atOnce);
                Starts.Add(chunk.Start);
                OnWrite?.Invoke(chunk.Start);
                if (Starts.Count - 1 == FailAtChunk)
                {
                    throw new IOException($"disk full at chunk {FailAtChunk}");
                }

                await Task.Delay(Delay, cancellationToken);

                // Copied after the wait: the chunk must stay intact while the next one is predicted.
                Ids.AddRange(chunk.Ids);
                Labels.AddRange(chunk.Labels.ToArray());
                Probabilities.AddRange(chunk.Probabilities.AsSpan().ToArray());
            }
            finally
            {
                Interlocked.Decrement(ref _atOnce);
            }
        }
    }
}
